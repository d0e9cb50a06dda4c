"""The password prompt on a real terminal (a pseudo-terminal here): echo is off while the
password is typed, on again afterwards, and still on again when the user presses Ctrl-C at
the prompt (the shell must not be left without echo)."""
import os
import pty
import select
import signal
import subprocess
import termios
import time
import unittest

from clitest import BIN, CliTestCase


class PasswordPromptTest(CliTestCase):
    def setUp(self):
        super().setUp()
        self.ok("init")
        r = subprocess.run([BIN, "--db", self.db, "--password-stdin", "user", "add", "ani",
                            "--role", "admin", "--agency", "Dinas Sosial"],
                           input="ani-rahasia1\n", capture_output=True, text=True, cwd=self.tmp)
        self.assertEqual(r.returncode, 0, r.stderr)

    def spawn_whoami(self):
        """Runs `pantau --user ani whoami` on a new pseudo-terminal; returns (pid, master fd)."""
        pid, fd = pty.fork()
        if pid == 0:
            os.execv(BIN, [BIN, "--db", self.db, "--user", "ani", "whoami"])
        return pid, fd

    def read_until(self, fd, needle, timeout=30):
        got = b""
        end = time.time() + timeout
        while needle not in got and time.time() < end:
            ready, _, _ = select.select([fd], [], [], 0.2)
            if ready:
                try:
                    chunk = os.read(fd, 1024)
                except OSError:
                    break
                if not chunk:
                    break
                got += chunk
        return got

    def lflag(self, fd):
        return termios.tcgetattr(fd)[3]

    def test_echo_is_off_at_the_prompt_and_on_again_after_ctrl_c(self):
        pid, fd = self.spawn_whoami()
        try:
            self.assertIn(b"Password", self.read_until(fd, b": "))
            self.assertFalse(self.lflag(fd) & termios.ECHO, "echo must be off at the prompt")
            os.kill(pid, signal.SIGINT)
            _, status = os.waitpid(pid, 0)
            self.assertTrue(os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGINT,
                            "pantau should die of the Ctrl-C, status %r" % status)
            self.assertTrue(self.lflag(fd) & termios.ECHO, "echo must be back on after Ctrl-C")
        finally:
            os.close(fd)

    def test_echo_is_on_again_after_a_password_is_typed(self):
        pid, fd = self.spawn_whoami()
        try:
            self.read_until(fd, b": ")
            os.write(fd, b"ani-rahasia1\n")
            out = self.read_until(fd, b"ani")
            _, status = os.waitpid(pid, 0)
            self.assertEqual(os.WEXITSTATUS(status), 0, out)
            self.assertNotIn(b"ani-rahasia1", out, "the password must not be echoed")
            self.assertTrue(self.lflag(fd) & termios.ECHO)
        finally:
            os.close(fd)


if __name__ == "__main__":
    unittest.main()
