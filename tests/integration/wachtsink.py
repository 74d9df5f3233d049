# An aiosmtpd Maildir handler that refuses nobody@, as a real server
# refuses an unknown user.
from aiosmtpd.handlers import Mailbox

class Box(Mailbox):
    async def handle_RCPT(self, server, session, envelope, address, options):
        if address.startswith("nobody@"):
            return "550 5.1.1 no such user"
        envelope.rcpt_tos.append(address)
        return "250 OK"
