"""``connector run MODULE``: an action's bundle, a list's pages as they come, or a trigger poll.

A dry run renders the request and prints it, token masked: it opens no transport and
needs no token.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from runtime.cli.connecting import open_for
from runtime.cli.output import request_preview, write_pages
from runtime.cli.parameters import read_parameters
from runtime.cli.recording_command import kept, recorder_for, save
from runtime.cli.sending import run_context
from runtime.core.errors import InputError
from runtime.core.redaction import Redactor
from runtime.definitions.loader import load_for_run
from runtime.engine.execution import build_request, run_module_pages


def run(options: argparse.Namespace, root: Path, redactor: Redactor) -> int:
    connector, spec = load_for_run(root, options.module)
    # The connection first: its secrets are then known to the redactor before any
    # message can echo a parameter that happens to hold one.
    connection = open_for(
        connector, spec.connection, options, redactor, need_secrets=not options.dry_run
    )
    parameters = read_parameters(spec, options)
    if options.dry_run and options.record:
        raise InputError("--record: a --dry-run sends nothing, so there is nothing to record")
    if options.dry_run:
        preview = request_preview(build_request(spec, parameters, connection, connector.base))
        print(json.dumps(redactor.value(preview), indent=2))
        return 0
    recorder = recorder_for(options, redactor, connection, "module", spec.id, parameters)
    if recorder is not None:
        recorder.headers_in_bundles = spec.kind == "universal"
    context = run_context(connector, connection, verbose=options.verbose, recorder=recorder)
    check = None
    if options.check_output:
        from runtime.engine.output_check import OutputCheck

        check = OutputCheck(spec.output)
    if spec.kind == "trigger":
        from runtime.cli.poll_command import poll_trigger

        poll_trigger(spec, parameters, context, options, redactor, check, recorder)
    elif options.limit is not None or options.start is not None:
        raise InputError(
            "--limit and --start are for trigger modules; searches take --param limit=N"
        )
    elif spec.response.iterate is None:  # an action: its one bundle, nothing to count
        pages = kept(recorder, run_module_pages(spec, parameters, context))
        write_pages(redactor, pages if check is None else check.check_pages(pages))
    else:
        from runtime.cli.progress import ReadProgress, module_notice

        progress = ReadProgress.for_transport(spec.id, sys.stderr, context.transport)
        pages = kept(recorder, run_module_pages(spec, parameters, context, progress.report))
        try:
            shown = write_pages(
                redactor, pages if check is None else check.check_pages(pages), progress
            )
        finally:  # an error line, too, starts on a clean line
            progress.finish()
        notice = module_notice(spec, progress.report, shown)
        for line in progress.closing_lines(notice, shown):
            print(redactor.text(line), file=sys.stderr)
    save(recorder)
    if check is None:
        return 0
    for line in check.report(spec.id):
        print(redactor.text(line), file=sys.stderr)
    return 1 if check.failed else 0
