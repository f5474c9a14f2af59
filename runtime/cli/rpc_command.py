"""``connector rpc RPC``: a drop-down's options as ``{label, value}`` lines."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from runtime.cli.connecting import open_for
from runtime.cli.output import write_bundles
from runtime.cli.parameters import read_parameters
from runtime.cli.progress import ReadProgress, rpc_notice
from runtime.cli.recording_command import recorder_for, save
from runtime.cli.sending import run_context
from runtime.core.redaction import Redactor
from runtime.definitions.loader import load_rpc
from runtime.engine.execution import run_rpc


def rpc(options: argparse.Namespace, root: Path, redactor: Redactor) -> int:
    connector, spec = load_rpc(root, options.rpc)
    connection = open_for(connector, spec.connection, options, redactor)
    parameters = read_parameters(spec, options)
    recorder = recorder_for(options, redactor, connection, "rpc", spec.id, parameters)
    context = run_context(connector, connection, verbose=options.verbose, recorder=recorder)
    progress = ReadProgress.for_transport(spec.id, sys.stderr, context.transport)
    try:
        options_read = run_rpc(spec, parameters, context, progress.report)
        if recorder is not None:
            options_read = recorder.items(options_read)
        shown = write_bundles(redactor, options_read, progress)
    finally:
        progress.finish()
    for line in progress.closing_lines(rpc_notice(spec, progress.report, shown), shown):
        print(redactor.text(line), file=sys.stderr)
    save(recorder)
    return 0
