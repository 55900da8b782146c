"""The parts of ``saidwhat spark`` (:mod:`saidwhat.batch.spark` is its face): ``schema`` (Spark
types from the store's schema), ``session``, ``inputs`` (listing and packing files), ``fs`` (the
output directory through Hadoop), ``isolate`` and ``executor`` (what runs in Python workers),
``output`` (tables and log written), ``driver`` (the job)."""
