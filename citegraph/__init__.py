"""citegraph: citation-graph analysis on OpenAlex.

Where did a term come from, and how did it spread? Crawl a citation graph from seed papers,
mark which works use the term, and trace its origin and spread.
"""

__version__ = "0.1.0"
