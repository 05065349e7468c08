"""The running meeting: `running` starts and ends it and moves what is presented;
`attendance` records who is present and the quorum; `speakers` owns the speakers' list;
`screen` owns what the room screen shows besides the page (a vote's result, and for how
long); `snapshot` is everything a tablet loads when it connects.
"""
