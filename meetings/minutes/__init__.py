"""The minutes (biên bản): `drafting` gathers what they say from the meeting and seals them
(`votes` turns each vote into what the record prints); `wording` writes their sentences in the
record's Vietnamese; `layout` sets them on A4 pages in the form of Nghị định 30/2020 (Mẫu 1.9),
in the order of the form; `signing` makes and
checks PAdES signatures; `pki` is a small certificate authority for demos and tests;
`signer_images` keeps the uploaded scans of signatures and seals the signature shows (nothing
is drawn by the software); `stamps` makes the demo's sample images, marked as samples; `fonts`
supplies the fonts the PDF embeds.
"""
