"""In-app notifications (the bell) and their e-mails, immediate or as a daily digest.

A low layer, beside ``audit``: services of every app above call ``notify()`` at the
events users must hear about; this app imports only ``core`` and ``organization``."""
