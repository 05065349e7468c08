"""Administration: people (meetings.admin.users), bodies with their members, kind and quorum
(meetings.admin.bodies), a body's signing key (meetings.admin.keys), and the audit log of who
did what (meetings.admin.audit). Everything here is for the administrator only."""
