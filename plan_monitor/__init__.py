"""Plan Monitor: targets of three-year action plans against progress data."""

import os

# Arrow's allocator (mimalloc) keeps freed pages for a while before giving them back; an upload's steps each build
# and drop tables of up to 200,000 rows, and the kept pages added up to ~100 MB of a 200,000-row check's peak
# (bench/README.md, hostile files). Read by mimalloc when Arrow first allocates, so it is set before pyarrow loads;
# a value set by whoever starts the process wins.
os.environ.setdefault("MIMALLOC_PURGE_DELAY", "0")
