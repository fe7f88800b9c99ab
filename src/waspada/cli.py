"""The ``waspada`` command: the root Typer app; every installed capability mounts its groups
(see ``platform/capabilities.py``)."""

from __future__ import annotations

import signal
from typing import Annotated, Any

import typer

from waspada import __version__
from waspada.platform.capabilities import installed, resolve
from waspada.platform.console import PlainUsageErrors, err, fail, out, require_schema

__all__ = ["app", "fail", "main"]

app = typer.Typer(name="waspada", help="Waspada: stop trafficking of Indonesians into online-scam "
                  "compounds, and bring victims home.", no_args_is_help=True,
                  pretty_exceptions_enable=False, cls=PlainUsageErrors)


@app.command()
def version() -> None:
    """Print the version."""
    out.print(__version__)


@app.command()
def serve(host: Annotated[str | None, typer.Option(
              help="Interface to bind (default WASPADA_HOST, else 127.0.0.1).")] = None,
          port: Annotated[int | None, typer.Option(
              min=1, max=65535,
              help="TCP port, 1-65535 (default WASPADA_PORT, else 8000).")] = None) -> None:
    """Serve the web app and the API."""
    import uvicorn

    from waspada.platform.settings import get_settings

    require_schema()
    settings = get_settings()
    host = host or settings.host
    port = port or settings.port
    err.print(f"Waspada on http://{host}:{port}  (stop with Ctrl+C)")
    # X-Forwarded-* is resolved inside the app (WASPADA_FORWARDED_ALLOW_IPS, see create_app) so it
    # behaves the same under any ASGI server; uvicorn's own handling (which trusts 127.0.0.1 by
    # default) stays off, so nothing is trusted that the setting does not name
    uvicorn.run("waspada.platform.web:create_app", factory=True, host=host, port=port,
                proxy_headers=False, forwarded_allow_ips="", access_log=False, log_config=None)


def _mount_capabilities() -> None:
    """Each capability contributes its own groups (``waspada document ...`` and so on)."""
    for capability in installed():
        for group in capability.cli:
            app.add_typer(resolve(group.target), name=group.name)


_mount_capabilities()


def _settings_problems(exc: Exception) -> str | None:
    """A refused ``WASPADA_*`` setting as one English line naming the variable, or None when
    ``exc`` is not the settings object's validation error."""
    from pydantic import ValidationError

    if not isinstance(exc, ValidationError) or exc.title != "Settings":
        return None
    return "; ".join(f"WASPADA_{'_'.join(str(p) for p in e['loc']).upper()}: {e['msg']}"
                     for e in exc.errors())


def _reflow(text: str | None) -> str | None:
    """A help text with its source line breaks taken out (paragraphs kept): Typer's rich help
    keeps every newline of a docstring, so a sentence wrapped at 95 columns in the source was
    printed wrapped twice, ragged, in an 80-column terminal (walk18)."""
    if not text:
        return text
    paragraphs = [" ".join(line.strip() for line in block.splitlines() if line.strip())
                  for block in text.split("\n\n")]
    return "\n\n".join(p for p in paragraphs if p)


def reflowed(command: Any) -> Any:
    """``command`` (a Click command tree) with every help text reflowed, in place."""
    command.help = _reflow(command.help)
    command.short_help = _reflow(command.short_help)
    for param in getattr(command, "params", ()):
        if getattr(param, "help", None):
            param.help = _reflow(param.help)
    for sub in getattr(command, "commands", {}).values():
        reflowed(sub)
    return command


def _terminated(signum: int, frame: Any) -> None:
    """SIGTERM (``kill``, ``timeout``, ``systemctl stop``) stops a command as Ctrl+C does: the
    stack unwinds, so a dedupe's spill folder (record pairs with names and NIKs) is removed;
    Python's default ended the process where it stood and left it on disk."""
    raise KeyboardInterrupt


def main() -> None:
    signal.signal(signal.SIGTERM, _terminated)
    try:
        reflowed(typer.main.get_command(app))()
    except Exception as exc:  # only a bad WASPADA_* setting is turned into a message
        problem = _settings_problems(exc)
        if problem is None:
            raise
        err.print(f"[bold red]Error:[/] invalid setting: {problem}", soft_wrap=True,
                  highlight=False)
        raise SystemExit(2) from None
