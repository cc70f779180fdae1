"""vbgraph's pipeline: Vietnamese directive texts to records and a citation graph.

Stages, each a module usable alone: `ingest` (file to blocks), `normalize`
(blocks to one normalized text with an offset map), `header`, `sections`,
`citations`, `deadlines`, `targets`, `assignments`, then `extract` that chains
them into a `models.Record`.
"""

__version__ = "0.1.0"
