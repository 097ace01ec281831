"""``semtel topics discover``: the topics a sample of conversations falls into (:mod:`semtel_core.topics`)."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Table

from semtel_core.cli.common import CONFIG_OPTION, clean_errors, console, out, print_wide, settings_from

topics_app = typer.Typer(help="Topics discovered from the conversations themselves.", no_args_is_help=True)


@topics_app.command("discover")
@clean_errors
def discover_cmd(
    inputs: list[str] = typer.Option(
        ..., "--input", "-i", help="Conversation files, folders or globs (any reader format)."
    ),
    out_file: Path = typer.Option(
        Path("semtel-output/topics.json"), "--out", "-o", help="The topics, as JSON."
    ),
    assignments: Path | None = typer.Option(
        None, "--assignments", help="Also write conversation_id -> topic id (Parquet; null: not shown)."
    ),
    min_conversations: int | None = typer.Option(
        None, min=2, help="Privacy threshold (default: topics.min_conversations)."
    ),
    propose: str | None = typer.Option(
        None,
        "--propose-labels",
        help="Also write a proposed classifier NAME (NAME.labels.yaml and NAME.prompty) for review.",
    ),
    proposal_dir: Path | None = typer.Option(
        None, help="Where the proposal goes (default: next to --out; a prompts directory to adopt it)."
    ),
    max_labels: int = typer.Option(20, min=2, help="Most labels of the proposal, other included."),
    config: Path | None = CONFIG_OPTION,
) -> None:
    """Summarise each conversation with the LLM (or take its scrubbed user turns when the model writes no text),
    embed and cluster them, name each cluster (LLM, or its distinctive terms), group the clusters into parent
    topics; clusters under the privacy threshold are withheld."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from semtel_core import storage
    from semtel_core.evaluate.loading import read_conversations
    from semtel_core.topics.discover import discover

    settings = settings_from(config)
    if min_conversations is not None:
        settings.topics = settings.topics.model_copy(update={"min_conversations": min_conversations})
        type(settings.topics).model_validate(
            settings.topics.model_dump()
        )  # the same bounds as the config file
    found = discover(read_conversations(inputs, settings.input), settings)
    storage.write_json(str(out_file), found.summary.model_dump(mode="json"))
    if assignments is not None:
        table = pa.table(
            {"conversation_id": list(found.topic_of), "topic": list(found.topic_of.values())},
            schema=pa.schema([("conversation_id", pa.string()), ("topic", pa.string())]),
        )
        with storage.atomic_open(str(assignments)) as fh:
            pq.write_table(table, fh)
    summary = found.summary
    if propose is not None:
        from semtel_core.prompts.registry import default_prompts_dir
        from semtel_core.topics.taxonomy import propose as propose_labels
        from semtel_core.topics.taxonomy import write_proposal

        template = (settings.paths.prompts_dir or default_prompts_dir()) / "topic.prompty"
        labels = write_proposal(
            propose_labels(found, propose, max_labels=max_labels),
            proposal_dir or out_file.parent,
            template=template,
            conversations=summary.conversations,
        )
        console.print(f"proposed classifier {propose}: {labels} and {labels.with_name(propose + '.prompty')}")
    view = Table(
        title=f"{len(summary.topics)} topics of {summary.conversations:,} conversations ({summary.naming})"
    )
    for column in ("topic", "parent", "conversations", "share", "name"):
        view.add_column(column, justify="right" if column in ("conversations", "share") else "left")
    for topic in summary.topics:
        view.add_row(topic.id, topic.parent, f"{topic.conversations:,}", f"{topic.share:.1%}", topic.name)
    print_wide(view)
    console.print(
        f"withheld (fewer than {summary.min_conversations} conversations or users): {summary.withheld_clusters} "
        f"clusters, {summary.withheld_conversations:,} conversations; outliers: {summary.outliers:,}"
    )
    console.print(f"naming: {summary.naming_note}", soft_wrap=True)
    llm = summary.llm
    if llm.calls:
        per = 1000 / max(summary.conversations, 1)
        console.print(
            f"LLM: {llm.calls:,} calls ({llm.errors:,} failed), tokens {llm.prompt_tokens:,} + "
            f"{llm.completion_tokens:,}; per 1,000 conversations {llm.calls * per:,.0f} calls, "
            f"{llm.prompt_tokens * per:,.0f} + {llm.completion_tokens * per:,.0f} tokens",
            soft_wrap=True,
        )
    out.print(str(out_file))
