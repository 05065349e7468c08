"""Annotations on document pages (issue 11): ink, highlights, sticky notes and text boxes made
on a member's tablet, synchronised between their devices, shared on purpose, carried over to a
new version of the document, and exported as standard PDF annotations.

Modules: `store` (the table rows, changes applied once, sharing, who may read what),
`anchoring` (placing annotations on a new version), `export` (the annotated PDF)."""
