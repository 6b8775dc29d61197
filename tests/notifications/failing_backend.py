"""An e-mail backend whose server is down (a refused connection), for the retry test."""

from django.core.mail.backends.base import BaseEmailBackend


class Backend(BaseEmailBackend):
    def send_messages(self, email_messages):
        raise ConnectionRefusedError("máy chủ thư không trả lời")
