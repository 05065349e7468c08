"""Documents: what an upload becomes and how tablets see it.

`ingest` checks, converts and cleans an upload in child processes (`ingest_worker`, which
takes active content out with `cleaning`);
`blobs` keeps every file once under its SHA-256; `library` owns a meeting's documents after
upload (versions, page words, search, who may read them, the document policy); `placement`
owns where they sit (order, item) and their removal or withdrawal; `pages` renders page
images; `offline` says what a tablet may keep of them on the device, and until when.
"""
