"""Votes: `voting` opens votes, casts ballots and closes them; `majority` owns the result
rules (basis, threshold, ties, quorum arithmetic, presets); `opinions` owns written opinion
forms (phiếu lấy ý kiến) put to a body between meetings.
"""
