"""imap_mail.py: what staff and senders do to a mailbox, for t_probe_imap.

    imap_mail.py PORT USER PASSWORD_FILE COMMAND ARGS...

    append FOLDER AGE SUBJECT SENDER  a message that arrived AGE seconds
                                      ago (its INTERNALDATE); prints its UID
    answer FOLDER UID                 UID STORE +FLAGS (\\Answered)
    move FOLDER UID DEST              UID MOVE to DEST
    copydel FOLDER UID DEST           UID COPY, \\Deleted and EXPUNGE, as
                                      clients without MOVE do
    delete FOLDER UID                 \\Deleted and EXPUNGE
    create FOLDER                     a new folder
    recreate FOLDER                   deleted and made again: new UIDs
                                      (a new UIDVALIDITY)
"""
import imaplib
import re
import sys
import time


def main(argv):
    port, user, pwfile, cmd = argv[1], argv[2], argv[3], argv[4]
    args = argv[5:]
    with open(pwfile) as f:
        password = f.readline().rstrip("\r\n")
    m = imaplib.IMAP4("127.0.0.1", int(port))
    m.login(user, password)
    if cmd == "append":
        folder, age, subject, sender = args
        when = time.time() - float(age)
        msg = ("From: %s\r\nTo: info@gemeente.example\r\nSubject: %s\r\n"
               "\r\nGoedendag, een vraag.\r\n" % (sender, subject))
        typ, data = m.append(folder, None, imaplib.Time2Internaldate(when),
                             msg.encode())
        ok(typ, data)
        uid = re.search(rb"APPENDUID \d+ (\d+)", data[0])
        print(uid.group(1).decode() if uid else "")
    elif cmd == "create":
        ok(*m.create(args[0]))
    elif cmd == "recreate":
        ok(*m.delete(args[0]))
        ok(*m.create(args[0]))
    else:
        ok(*m.select(args[0]))
        uid = args[1]
        if cmd == "answer":
            ok(*m.uid("STORE", uid, "+FLAGS", "(\\Answered)"))
        elif cmd == "move":
            ok(*m.uid("MOVE", uid, args[2]))
        elif cmd == "copydel":
            ok(*m.uid("COPY", uid, args[2]))
            ok(*m.uid("STORE", uid, "+FLAGS", "(\\Deleted)"))
            ok(*m.expunge())
        elif cmd == "delete":
            ok(*m.uid("STORE", uid, "+FLAGS", "(\\Deleted)"))
            ok(*m.expunge())
        else:
            sys.exit("unknown command " + cmd)
        m.close()
    m.logout()


def ok(typ, data):
    if typ != "OK":
        sys.exit("imap_mail: %s %s" % (typ, data))


if __name__ == "__main__":
    main(sys.argv)
