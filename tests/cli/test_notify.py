"""Notifications for real: the demo data imported and scored with a configuration that routes
red flags of one kabupaten/kota to a webhook and to e-mail, and imported visits to an outbox
file. A tiny SMTP sink and an HTTP server on 127.0.0.1 (ephemeral ports) record what arrives.
Then the HTTP server goes down: the delivery is queued with its error and a backoff, and is
delivered by `notify retry --all` once the server is back."""
import datetime
import email
import email.policy
import glob
import hashlib
import hmac
import http.server
import json
import os
import socket
import socketserver
import sys
import threading

sys.path.insert(0, os.path.dirname(__file__))
import clitest  # noqa: E402

SOURCE = clitest.SOURCE_DIR
SECRET = "rahasia-uji-123"
PLACE = "Kota Binjai"
# Renamed so that subjects carry non-ASCII text (RFC 2047 must encode it)
NEW_NAME = "LKSA Bina Insani Ñusantara – Binjai"


# ---- an SMTP sink: just enough SMTP for libcurl ----

class SmtpHandler(socketserver.StreamRequestHandler):
    def reply(self, line):
        self.wfile.write((line + "\r\n").encode("ascii"))

    def handle(self):
        self.reply("220 sink.test ESMTP uji")
        mail_from, rcpts = None, []
        while True:
            raw = self.rfile.readline()
            if not raw:
                return
            line = raw.decode("ascii", "replace").rstrip("\r\n")
            verb = line.split(" ", 1)[0].upper()
            if verb == "EHLO":
                self.wfile.write(b"250-sink.test\r\n250-8BITMIME\r\n250 SIZE 1000000\r\n")
            elif verb == "HELO":
                self.reply("250 sink.test")
            elif verb == "MAIL":
                mail_from, rcpts = line[10:].split()[0], []   # without SIZE=
                self.reply("250 OK")
            elif verb == "RCPT":
                rcpts.append(line[8:].split()[0])
                self.reply("250 OK")
            elif verb == "DATA":
                self.reply("354 end with <CRLF>.<CRLF>")
                lines = []
                while True:
                    d = self.rfile.readline()
                    if not d or d == b".\r\n":
                        break
                    lines.append(d[1:] if d.startswith(b"..") else d)   # dot-unstuffing
                self.server.messages.append((mail_from, rcpts, b"".join(lines)))
                self.reply("250 queued")
            elif verb in ("RSET", "NOOP"):
                self.reply("250 OK")
            elif verb == "QUIT":
                self.reply("221 bye")
                return
            else:
                self.reply("502 not implemented")


class SmtpSink(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self):
        super().__init__(("127.0.0.1", 0), SmtpHandler)
        self.messages = []


# ---- an HTTP server recording POSTs ----

class HookHandler(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        self.server.requests.append((self.path, dict(self.headers), body))
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args):
        pass


class HookServer(http.server.ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, port=0):
        super().__init__(("127.0.0.1", port), HookHandler)
        self.requests = []


def start(server):
    t = threading.Thread(target=server.serve_forever, daemon=True)
    t.start()
    return server


def stop(server):
    server.shutdown()
    server.server_close()


def utc_now():
    return datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


class NotifyTest(clitest.CliTestCase):
    def setUp(self):
        super().setUp()
        self.smtp = start(SmtpSink())
        self.hook = start(HookServer())
        self.hook_port = self.hook.server_address[1]
        self.outbox = os.path.join(self.tmp, "outbox.jsonl")
        # beside the database: found without --config
        self.write("pantau.conf", """\
# pantau: notifications of the uji office
[channel hook]
plugin = webhook
url = http://127.0.0.1:%d/pantau/events?token=abc
secret = %s

[channel surel]
plugin = email
smtp = smtp://127.0.0.1:%d
from = Pantau Dinsos <pantau@dinsos.example.go.id>
to = kabid@example.go.id, Pengawas <pengawas@example.go.id>

[channel kantor]
plugin = outbox
path = %s

[route bendera-binjai]
events = flag.raised
kabupaten_kota = %s
channels = hook, surel

[route catat]
events = visit.imported
channels = kantor
""" % (self.hook_port, SECRET, self.smtp.server_address[1], self.outbox, PLACE))

    scripts = clitest.SCRIPTS   # the demo switches to the shipped scripts

    def run_pantau(self, *args, **kw):
        kw.setdefault("scripts", self.scripts)
        return super().run_pantau(*args, **kw)

    def tearDown(self):
        for s in (self.smtp, self.hook):
            try:
                stop(s)
            except Exception:
                pass
        super().tearDown()

    def demo(self):
        """tools/demo.sh's data, with one Binjai home renamed to a non-ASCII name."""
        self.scripts = os.path.join(SOURCE, "scripts")
        self.ok("init")
        self.ok("checklist", "load", *sorted(glob.glob(os.path.join(SOURCE, "checklists", "*.xml"))))
        self.ok("institution", "import", os.path.join(SOURCE, "checklists", "samples", "institutions.csv"))
        self.ok("institution", "update", "LKSA-1275-002", "--name", NEW_NAME)
        visits = sorted(glob.glob(os.path.join(SOURCE, "checklists", "samples", "visits", "*")))
        self.ok("visit", "import", *visits)
        self.ok("score", "--all")

    def red_flags(self, place_is=True):
        op = "=" if place_is else "<>"
        return self.sql("SELECT id FROM event WHERE type = 'flag.raised' AND kabupaten_kota %s ? "
                        "ORDER BY id" % op, (PLACE,))

    def test_routed_events_arrive_signed_encoded_and_only_where_routed(self):
        self.demo()
        binjai = [i for (i,) in self.red_flags()]
        elsewhere = [i for (i,) in self.red_flags(place_is=False)]
        self.assertTrue(binjai, "the demo data must raise red flags in %s" % PLACE)
        self.assertTrue(elsewhere, "the demo data must raise red flags elsewhere too")

        # webhook: one signed POST per Binjai red flag, nothing else
        reqs = self.hook.requests
        self.assertEqual(len(reqs), len(binjai))
        ids = []
        for path, headers, body in reqs:
            self.assertEqual(path, "/pantau/events?token=abc")
            self.assertEqual(headers["Content-Type"], "application/json")
            self.assertEqual(headers["X-Pantau-Event"], "flag.raised")
            expected = "sha256=" + hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
            self.assertEqual(headers["X-Pantau-Signature"], expected)
            ev = json.loads(body)
            self.assertEqual(str(ev["id"]), headers["X-Pantau-Event-Id"])
            for key in ("id", "type", "occurred_at", "subject", "body", "institution", "visit",
                        "score", "flag"):
                self.assertIn(key, ev)
            self.assertEqual(ev["type"], "flag.raised")
            self.assertEqual(ev["institution"]["kabupaten_kota"], PLACE)
            self.assertIn(ev["flag"]["severity"], ("kritis", "tinggi"))
            for key in ("code", "agency", "item_id", "message"):
                self.assertIn(key, ev["flag"])
            for key in ("id", "date", "type", "checklist_id", "checklist_version"):
                self.assertIn(key, ev["visit"])
            self.assertTrue(ev["subject"].startswith("Bendera merah [%s] di " % ev["flag"]["severity"]))
            ids.append(ev["id"])
        self.assertEqual(sorted(ids), binjai)

        # e-mail: one message per Binjai red flag, a proper RFC 5322 / MIME message
        msgs = self.smtp.messages
        self.assertEqual(len(msgs), len(binjai))
        subjects = []
        for mail_from, rcpts, data in msgs:
            self.assertEqual(mail_from, "<pantau@dinsos.example.go.id>")
            self.assertEqual(rcpts, ["<kabid@example.go.id>", "<pengawas@example.go.id>"])
            raw_headers = data.split(b"\r\n\r\n", 1)[0]
            self.assertTrue(all(b < 0x80 for b in raw_headers), "headers must be 7-bit ASCII")
            m = email.message_from_bytes(data, policy=email.policy.default)
            for h in ("Date", "From", "To", "Subject", "Message-ID", "MIME-Version"):
                self.assertIn(h, m)
            self.assertEqual(m["From"].addresses[0].addr_spec, "pantau@dinsos.example.go.id")
            self.assertEqual(m["From"].addresses[0].display_name, "Pantau Dinsos")
            self.assertEqual([a.addr_spec for a in m["To"].addresses],
                             ["kabid@example.go.id", "pengawas@example.go.id"])
            self.assertEqual(m.get_content_type(), "text/plain")
            self.assertEqual(m.get_content_charset(), "utf-8")
            self.assertEqual(m["Content-Transfer-Encoding"], "8bit")
            self.assertIsNotNone(email.utils.parsedate_to_datetime(m["Date"]))
            self.assertRegex(m["Message-ID"], r"^<pantau\.\d+\.\d+@dinsos\.example\.go\.id>$")
            subject = str(m["Subject"])
            self.assertTrue(subject.startswith("Bendera merah ["), subject)
            text = m.get_content()
            self.assertIn("Bendera merah tingkat", text)
            self.assertIn("Lembaga: ", text)
            self.assertIn(PLACE, text)
            subjects.append(subject)
        # the renamed home's flags: subject decoded back to the exact UTF-8 name
        named = [s for s in subjects if NEW_NAME in s]
        self.assertTrue(named, "no e-mail names %r: %r" % (NEW_NAME, subjects))
        self.assertTrue(any(b"=?UTF-8?B?" in d for _, _, d in msgs))

        # outbox: one JSON line per imported visit, nothing else
        n_visits = self.count("visit")
        with open(self.outbox, encoding="utf-8") as f:
            lines = [json.loads(line) for line in f]
        self.assertEqual(len(lines), n_visits)
        self.assertEqual({e["type"] for e in lines}, {"visit.imported"})
        self.assertEqual(sorted(e["visit"]["id"] for e in lines),
                         [i for (i,) in self.sql("SELECT id FROM visit ORDER BY id")])

        # the queue: every delivery delivered, none for other places or unrouted types
        self.assertEqual(self.count("delivery", "status <> 'delivered'"), 0)
        self.assertEqual(self.count("delivery"), 2 * len(binjai) + n_visits)
        self.assertEqual(self.count("delivery", "event_id IN (%s)" % ",".join(map(str, elsewhere))), 0)
        self.assertEqual(self.count("delivery d JOIN event e ON e.id = d.event_id",
                                    "e.type = 'visit.scored'"), 0)
        self.assertEqual(self.count("event", "routed = 0"), 0)

        # scoring again tells no one twice
        self.ok("score", "--all")
        self.assertEqual(len(self.hook.requests), len(binjai))
        self.assertEqual(len(self.smtp.messages), len(binjai))

    def test_a_server_that_is_down_leaves_the_delivery_queued_until_retry(self):
        self.demo()
        stop(self.hook)

        # a new Binjai visit with red flags, scored while the webhook is down
        self.ok("visit", "import", os.path.join(SOURCE, "checklists", "samples", "visits",
                                                "binjai-2026-02.csv"))
        started = utc_now()
        r = self.run_pantau("score", "--all")
        self.assertEqual(r.returncode, 0, r.stderr)   # a failed delivery never fails the command
        self.assertRegex(r.stderr, r"^pantau: warning: \d+ notifications? could not be delivered "
                                   r"and stays? queued \(see 'pantau notify list --pending'\)\n$")
        new = [i for (i,) in self.red_flags() if i not in
               [e["id"] for e in map(lambda q: json.loads(q[2]), self.hook.requests)]]
        self.assertTrue(new)

        # the first failed (attempts 1, error, backoff); the channel's others waited (skipped)
        rows = self.sql("SELECT event_id, status, attempts, last_error, next_attempt_at FROM "
                        "delivery WHERE channel = 'hook' AND status = 'pending' ORDER BY event_id")
        self.assertEqual([r[0] for r in rows], new)
        first = rows[0]
        self.assertEqual(first[1:3], ("pending", 1))
        self.assertIn("webhook http://127.0.0.1:%d" % self.hook_port, first[3])
        self.assertNotIn("token=abc", first[3])   # the URL's query may hold a secret
        self.assertGreater(first[4], started)
        self.assertTrue(all(r[2] == 0 for r in rows[1:]))
        # e-mail is another channel: it was delivered
        self.assertEqual(self.count("delivery", "channel = 'surel' AND status <> 'delivered'"), 0)

        listed = self.json("notify", "list", "--pending")["items"]
        self.assertEqual([(d["event_id"], d["channel"]) for d in listed],
                         [(i, "hook") for i in new])
        d = listed[0]
        self.assertEqual((d["status"], d["attempts"], d["type"]), ("pending", 1, "flag.raised"))
        self.assertEqual(d["last_error"], first[3])
        self.assertEqual(d["next_attempt_at"], first[4])
        self.assertIsNone(d["delivered_at"])
        table = self.ok("notify", "list", "--pending").stdout
        self.assertRegex(table, r"\n\s*%d\s+flag\.raised\s+hook\s+failed\s+1\s" % new[0])

        # back up: a plain retry respects the backoff of the failed one...
        self.hook = start(HookServer(self.hook_port))
        r = self.ok("notify", "retry")
        self.assertEqual(r.stdout, "delivered %d of %d attempted; 1 still queued\n"
                         % (len(new) - 1, len(new) - 1))
        self.assertEqual(self.count("delivery", "status = 'pending'"), 1)
        # ...and --all ignores it
        r = self.ok("notify", "retry", "--all")
        self.assertEqual(r.stdout, "delivered 1 of 1 attempted; 0 still queued\n")
        row = self.sql("SELECT status, attempts, last_error, delivered_at FROM delivery "
                       "WHERE event_id = ? AND channel = 'hook'", (new[0],))[0]
        self.assertEqual(row[:3], ("delivered", 2, None))
        self.assertGreaterEqual(row[3], started)
        got = sorted(json.loads(q[2])["id"] for q in self.hook.requests)
        self.assertEqual(got, new)
        self.assertEqual(self.json("notify", "list", "--pending")["items"], [])

    def test_retry_reports_failure_with_exit_status_1(self):
        self.demo()
        stop(self.hook)
        self.ok("visit", "import", os.path.join(SOURCE, "checklists", "samples", "visits",
                                                "binjai-2026-02.csv"))
        self.run_pantau("score", "--all")
        line = self.fails("notify", "retry", "--all")
        self.assertRegex(line, r"^pantau: \d+ deliver(y|ies) failed and stays? queued")
        self.assertEqual(self.count("delivery", "status = 'pending' AND attempts >= 1"), 1)

    def test_configuration_errors_name_file_and_line_and_never_fail_an_import(self):
        bad = self.write("bad.conf", "[channel a]\nplugin = outbox\npath = /tmp/x\n\n"
                                     "[route r]\nevents = *\nchannels = a, nirwana\n")
        line = self.fails("--config", bad, "notify", "check")
        self.assertEqual(line, "pantau: %s:7: route 'r': no channel named 'nirwana' (define it "
                               "with [channel nirwana])" % bad)
        self.ok("init")
        self.load_checklist()
        self.import_institutions()
        r = self.run_pantau("--config", bad, "visit", "import", clitest.data("visit-b.csv"))
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(r.stderr, "pantau: warning: notifications not sent: %s:7: route 'r': "
                                   "no channel named 'nirwana' (define it with [channel "
                                   "nirwana])\n" % bad)
        self.assertEqual(self.count("visit"), 1)
        self.assertEqual(self.count("event", "routed = 0"), 1)   # kept for a fixed configuration

        unknown = self.write("unknown.conf", "[channel a]\nplugin = merpati-pos\n\n"
                                             "[route r]\nevents = *\nchannels = a\n")
        self.assertEqual(self.fails("--config", unknown, "notify", "check"),
                         "pantau: %s:2: channel 'a': no notify plugin named 'merpati-pos' is "
                         "loaded" % unknown)
        self.assertEqual(self.fails("--config", os.path.join(self.tmp, "nope.conf"), "notify",
                                    "check"),
                         "pantau: %s: No such file or directory" % os.path.join(self.tmp, "nope.conf"))

    def test_without_configuration_events_wait_and_retry_says_what_is_missing(self):
        os.remove(os.path.join(self.tmp, "pantau.conf"))
        self.setup_visits()
        self.assertEqual(self.count("event", "type = 'visit.imported'"), 2)
        self.assertEqual(self.count("delivery"), 0)
        line = self.fails("notify", "retry")
        self.assertIn("no notification configuration", line)
        self.assertEqual(self.json("notify", "list")["items"], [])


if __name__ == "__main__":
    clitest.main()
