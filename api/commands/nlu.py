"""`portineria nlu train|parse|test`."""

from __future__ import annotations

import json
import time
from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer

from api.settings import Settings, load_settings
from nlu.types import NLU

app = typer.Typer(help="Train, try and evaluate the NLU.", no_args_is_help=True)


def _nlu(settings: Settings) -> NLU:
    """The configured backend; heavy imports stay inside so `--help` is instant."""
    from nlu.gazetteer import load_gazetteer

    if settings.nlu_backend == "rasa":
        from nlu.rasa_backend import RasaNLU

        if settings.rasa_url is None:
            raise typer.BadParameter("PORTINERIA_RASA_URL is required with the rasa backend")
        return RasaNLU(
            str(settings.rasa_url),
            gazetteer=load_gazetteer(),
            timezone=settings.timezone,
            threshold=settings.nlu_threshold,
        )
    from nlu.builtin import BuiltinNLU

    return BuiltinNLU.load(
        cache_dir=settings.nlu_model_dir,
        gazetteer=load_gazetteer(),
        timezone=settings.timezone,
        threshold=settings.nlu_threshold,
    )


@app.command()
def train(
    force: Annotated[
        bool, typer.Option(help="Train again even if the cache is up to date.")
    ] = False,
) -> None:
    """Train the built-in model on nlu/data (only if the data changed, unless --force)."""
    settings = load_settings()
    if settings.nlu_backend == "rasa":
        typer.echo("The rasa backend is trained by `make rasa`.", err=True)
        raise typer.Exit(2)
    if force:
        for cached in settings.nlu_model_dir.glob("intent-model-*.pkl"):
            cached.unlink()
    started = time.perf_counter()
    nlu = _nlu(settings)
    state = "trained" if getattr(nlu, "trained", False) else "up to date"
    typer.echo(
        f"NLU model {state} in {settings.nlu_model_dir} ({time.perf_counter() - started:.1f} s)"
    )


@app.command()
def parse(
    text: Annotated[str, typer.Argument(help="The message, as a resident would write it.")],
    now: Annotated[str | None, typer.Option(help="ISO date-time anchoring relative dates.")] = None,
) -> None:
    """Print what the NLU understands of TEXT, as Rasa's /model/parse JSON."""
    settings = load_settings()
    moment = datetime.fromisoformat(now) if now else datetime.now(settings.zone)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=settings.zone)
    result = _nlu(settings).parse(text, now=moment)
    typer.echo(json.dumps(result.to_dict(), ensure_ascii=False))


@app.command()
def test(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=True, help="Rasa NLU YAML.")],
    as_json: Annotated[bool, typer.Option("--json", help="End with one JSON line.")] = False,
    languages: Annotated[
        Path | None,
        typer.Option(
            help="JSON mapping example text -> language (default: FILE_languages.json beside it)."
        ),
    ] = None,
) -> None:
    """Evaluate on FILE: per-intent report, per-language accuracy, latency."""
    from nlu.evaluate import evaluate, format_report
    from nlu.trainingdata import load_examples

    settings = load_settings()
    beside = file.with_name(f"{file.stem}_languages.json")
    mapping = languages or (beside if beside.exists() else None)
    examples = load_examples(file, languages=mapping)
    if not examples:
        raise typer.BadParameter(f"no examples in {file}")
    report = evaluate(_nlu(settings), examples, now=datetime.now(settings.zone))
    typer.echo(format_report(report))
    if as_json:
        typer.echo(json.dumps(report.to_dict(), ensure_ascii=False))
