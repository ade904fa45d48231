"""`tideline serve`: the web server (uvicorn): customer socket, widget and a demo page."""

from __future__ import annotations

import argparse
import sys

import uvicorn

from agent.outreach.policy import OutreachPolicyError, read_outreach_policy
from server.channel.resume_tokens import InsecureSecret, signing_secret
from server.commands.common import add_common_options, settings_from_args
from server.commands.jsonl import CommandError
from server.runtime import open_runtime

# Above the channel's own frame limit: an oversized frame gets an error frame, not a closed socket.
WS_MAX_BYTES = 1024 * 1024


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "serve",
        help="run the web server: customer websocket, widget and demo page",
        description="Serve /ws/chat, /widget.js and a demo page at /. Loads the sample help "
        "centre on first start when the knowledge base is empty.",
    )
    add_common_options(parser)
    parser.add_argument("--host", default="127.0.0.1", help="interface to listen on")
    parser.add_argument("--port", type=int, default=8000, help="port (default 8000)")
    parser.add_argument(
        "--log-level", default="info", choices=("critical", "error", "warning", "info", "debug")
    )
    parser.set_defaults(handler=run_serve)


def run_serve(args: argparse.Namespace) -> int:
    from server.app import create_app  # FastAPI is only imported by the command that needs it

    if not 0 < args.port < 65536:
        raise CommandError(f"--port must be between 1 and 65535, not {args.port}")
    settings = settings_from_args(args)
    try:
        signing_secret(settings)
        # A broken outreach policy is one line now, not a failed start-up inside the server.
        read_outreach_policy(settings.outreach_policy_path)
    except (InsecureSecret, OutreachPolicyError) as exc:
        raise CommandError(str(exc)) from None
    print(f"Tideline: opening {settings.resolved_data_dir} …", file=sys.stderr)
    with open_runtime(settings, progress=sys.stderr.isatty(), say=_say) as runtime:
        app = create_app(settings, runtime=runtime)
        shown_host = "127.0.0.1" if args.host in ("0.0.0.0", "::") else args.host
        print(
            f"Tideline is ready: {runtime.knowledge_base.count()} knowledge-base chunks, "
            f"responder {runtime.responder.name}, analyzer {runtime.analyzer.name}.\n"
            f"Demo page with the chat widget: http://{shown_host}:{args.port}/\n"
            "Press Ctrl-C to stop.",
            flush=True,
        )
        uvicorn.run(
            app,
            host=args.host,
            port=args.port,
            log_level=args.log_level,
            ws_max_size=WS_MAX_BYTES,
            # The app reads X-Forwarded-For itself, from TIDELINE_TRUSTED_PROXIES only.
            proxy_headers=False,
        )
    return 0


def _say(text: str) -> None:
    """Each start-up step on stderr, so the first ~20 s are not one silent line."""
    print(f"Tideline: {text}", file=sys.stderr, flush=True)
