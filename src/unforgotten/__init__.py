"""Unforgotten: records of abductions, detentions and disappearances in North Korea.

Layers (each imports only those above it in this list):

- :mod:`unforgotten.domain`   pure types and rules (partial dates, vocabularies)
- :mod:`unforgotten.korean`   Hangul, romanizers, name keys, gazetteer (pure)
- :mod:`unforgotten.store`    database tables, migrations, commands, encryption, audit
- :mod:`unforgotten.ingest`   readers, mappings, validation, batches
- :mod:`unforgotten.linkage`  record linkage (the only package that imports Splink)
- :mod:`unforgotten.estimate` multiple systems estimation
- :mod:`unforgotten.tracking` UN recommendations and consultation rounds
- :mod:`unforgotten.synth`    synthetic populations and lists with known truth
- :mod:`unforgotten.web`      the web application (the only package that imports FastAPI)
- :mod:`unforgotten.cli`      the ``unforgotten`` command
"""

__version__ = "0.1.0"
