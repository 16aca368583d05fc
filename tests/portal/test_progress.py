"""Progress bars: drawn for a person at a terminal, silent in cron and CI."""

import io

from django.core.management import call_command

from portal.ops.progress import progress


class Terminal(io.StringIO):
    def isatty(self):
        return True


def test_a_terminal_gets_a_bar():
    stream = Terminal()
    assert list(progress(range(3), desc="work", stream=stream)) == [0, 1, 2]
    assert "work" in stream.getvalue()


def test_a_pipe_gets_nothing():
    stream = io.StringIO()
    assert list(progress(range(3), desc="work", stream=stream)) == [0, 1, 2]
    assert stream.getvalue() == ""


def test_a_bar_can_be_turned_off_on_a_terminal_too():
    stream = Terminal()
    assert list(progress(range(3), stream=stream, enabled=False)) == [0, 1, 2]
    assert stream.getvalue() == ""


def test_a_command_run_from_cron_prints_only_its_report(db, capsys):
    out = io.StringIO()
    call_command("apply_retention", stdout=out)
    assert "retention period" in out.getvalue()
    assert capsys.readouterr().err == ""
