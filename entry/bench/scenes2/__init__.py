"""The second scene generators: pages on desks (:mod:`.pages`) and codes held up to the kiosk (:mod:`.codes`).

Built apart from the first generators (``devices/doccam/scenes.py``, ``entry/bench/qr_corpus.py``),
sharing only the manifest layouts the benches read. For measuring only: never train or tune on them.
"""
