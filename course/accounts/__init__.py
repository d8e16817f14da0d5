"""Accounts: the admin's Users page, invitations, and password reset by email.

Modules: ``models`` (AccountToken: the hashed, single-use, expiring links), ``tokens`` (issuing
and redeeming them), ``mail`` (SMTP from CARECOURSE_SMTP_*), ``invitations`` (the messages and
their delivery, or the link shown when there is no mail server), ``jobs`` (a large enrolment's
invitations, mailed by a job), ``directory`` (listing and
changing an organisation's users), ``views`` (set password, forgot password) and
``admin_views`` (Users, invite).
"""
