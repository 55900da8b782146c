/* saidwhat: the article reader. Hovering a highlighted passage shows its attribution's speaker
 * card; clicking (or Enter) pins it; #a3 in the URL selects attribution a3. The highlighted text
 * and the cards are built by the server (or by paste.js) - this file only toggles classes and the
 * `hidden` attribute, and never writes HTML. */
'use strict';
(function () {
  // Which role of a passage names its attribution first when several overlap.
  var ORDER = ['cue', 'source', 'channel', 'when', 'content'];
  var ROLES = ['source', 'cue', 'content', 'channel', 'when'];

  function idsOf(el) {
    var ids = [];
    ORDER.forEach(function (role) {
      var v = el.getAttribute('data-' + role);
      if (v) v.split(' ').forEach(function (id) { if (id && ids.indexOf(id) < 0) ids.push(id); });
    });
    return ids;
  }

  function init(root) {
    var text = root.querySelector('.text');
    if (!text || root.getAttribute('data-ready') === '1') return;
    root.setAttribute('data-ready', '1');
    var scope = root.parentNode || document;
    var hint = scope.querySelector('[data-hint]');
    var shown = null;
    var pinned = null;

    function cardOf(id) {
      var cards = scope.querySelectorAll('[data-card]');
      for (var i = 0; i < cards.length; i++) if (cards[i].getAttribute('data-card') === id) return cards[i];
      return null;
    }

    function clear() {
      text.querySelectorAll('.m.sel').forEach(function (el) {
        el.classList.remove('sel');
        ROLES.forEach(function (r) { el.classList.remove('sel-' + r); });
      });
      scope.querySelectorAll('[data-card]').forEach(function (c) { c.hidden = true; });
      scope.querySelectorAll('tr.active').forEach(function (tr) { tr.classList.remove('active'); });
      if (hint) hint.hidden = false;
      shown = null;
    }

    function show(id) {
      if (shown === id) return;
      clear();
      shown = id;
      text.querySelectorAll('.m').forEach(function (el) {
        ROLES.forEach(function (role) {
          var v = el.getAttribute('data-' + role);
          if (v && v.split(' ').indexOf(id) >= 0) { el.classList.add('sel'); el.classList.add('sel-' + role); }
        });
      });
      var card = cardOf(id);
      if (card) { card.hidden = false; if (hint) hint.hidden = true; }
      scope.querySelectorAll('tr[data-row]').forEach(function (tr) {
        if (tr.getAttribute('data-row') === id) tr.classList.add('active');
      });
      root.setAttribute('data-shown', id);
    }

    function pick(el) {
      var ids = idsOf(el);
      if (!ids.length) return null;
      // Clicking the same passage again steps through the attributions that overlap there.
      var at = ids.indexOf(pinned);
      return at >= 0 ? ids[(at + 1) % ids.length] : ids[0];
    }

    function pin(id, scroll) {
      pinned = id;
      show(id);
      root.setAttribute('data-pinned', id || '');
      if (scroll) {
        var first = null;
        text.querySelectorAll('.m.sel').forEach(function (el) { if (!first) first = el; });
        if (first && first.scrollIntoView) first.scrollIntoView({ block: 'center' });
      }
    }

    text.addEventListener('mouseover', function (ev) {
      if (pinned) return;
      var el = ev.target.closest ? ev.target.closest('.m') : null;
      if (!el) return;
      var ids = idsOf(el);
      if (ids.length) show(ids[0]);
    });
    text.addEventListener('click', function (ev) {
      var el = ev.target.closest ? ev.target.closest('.m') : null;
      var id = el ? pick(el) : null;
      if (!id) { pinned = null; root.setAttribute('data-pinned', ''); clear(); return; }
      pin(id, false);
    });
    text.addEventListener('keydown', function (ev) {
      if (ev.key !== 'Enter' && ev.key !== ' ') return;
      var el = ev.target.closest ? ev.target.closest('.m') : null;
      var id = el ? pick(el) : null;
      if (id) { ev.preventDefault(); pin(id, false); }
    });
    scope.querySelectorAll('[data-select]').forEach(function (button) {
      button.addEventListener('click', function () { pin(button.getAttribute('data-select'), true); });
    });

    function fromHash() {
      var id = '';
      try { id = decodeURIComponent((location.hash || '').slice(1)); } catch (e) { return; }
      if (id && cardOf(id)) pin(id, true);
    }
    if (root.hasAttribute('data-article')) {
      window.addEventListener('hashchange', fromHash);
      fromHash();
    }
  }

  window.saidwhat = { init: init };
  document.addEventListener('DOMContentLoaded', function () {
    document.querySelectorAll('[data-article]').forEach(init);
  });
})();
