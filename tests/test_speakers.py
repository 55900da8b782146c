"""Who the speaker is (issue 11): titles before a name are the speaker's role and affiliation."""
from __future__ import annotations

import pytest

TITLED = [
    ("U.S. Defense Secretary Mark Esper", "Mark Esper", "defense secretary", "U.S."),
    ("White House press secretary Stephanie Grisham", "Stephanie Grisham", "press secretary", "White House"),
    ("Interior Minister Wolfgang Peschorn", "Wolfgang Peschorn", "interior minister", None),
    ("Taliban spokesman Zabihullah Mujahid", "Zabihullah Mujahid", "spokesman", "Taliban"),
    ("Former Vice President Joe Biden", "Joe Biden", "former vice president", None),
    ("Mr. John Smith", "John Smith", None, None),  # an honorific is no role
    ("Tom Blake, the union leader,", "Tom Blake", "union leader", None),  # after the name, as before
]


@pytest.mark.parametrize("phrase,name,role,affiliation", TITLED)
def test_a_title_before_a_name_is_the_role(pipeline, phrase, name, role, affiliation):
    record = pipeline.extract(f"{phrase} said on Monday that the talks had failed.")
    [att] = record.attributions
    speaker = record.speaker(att.source.speaker)
    assert (speaker.name, speaker.role, speaker.affiliation, speaker.type) == (name, role, affiliation, "person")
