"""Build a replay directory of OpenRouter responses from the recorded samples.

Usage:

    python bench/make_openrouter_replay.py SAMPLES_DIR OUT_DIR \\
        [--drop-endpoints FRACTION] [--change MODEL_ID=FACTOR ...]

SAMPLES_DIR holds ``models.json`` (a recorded ``GET /api/v1/models`` body) and
``endpoints/*.json`` (recorded endpoints bodies). OUT_DIR (a temporary directory, never
inside the repository) receives ``manifest.json`` and copies of the bodies:

- the models list at ``https://openrouter.ai/api/v1/models``;
- each recorded endpoints body at its model's ``links.details`` URL *in models.json*
  (the endpoints were recorded months before the list, so the canonical slug in the
  URL must come from the list);
- for every other endpoints URL, a body written from the list price: one endpoint,
  sold by the model's maker (``provider_name`` as OpenRouter names it, tag = the
  creator slug), with the list's pricing.

``--drop-endpoints 0.9`` leaves 90% of the endpoints URLs out of the manifest (a replay
answers them 404). Which ones is decided by a hash of the URL, so runs repeat.
``--change ID=FACTOR`` multiplies the prompt and completion prices (base and long-context
overrides) of model ID in the list and in its endpoints by FACTOR, as exact decimals.

Standard library only, so it runs without the project's environment.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

__all__ = ["BASE_URL", "RECORDED_AT", "build_replay", "main", "maker_name"]

BASE_URL = "https://openrouter.ai"
LIST_URL = BASE_URL + "/api/v1/models"
# When models.json was fetched (shared/samples/openrouter/PROVENANCE.md).
RECORDED_AT = "2026-08-22T18:35:39Z"
JSON_HEADERS = {"content-type": "application/json"}
# Price keys a --change scales; the sentinel "-1" (router pseudo-models) is never scaled.
CHANGED_KEYS = ("prompt", "completion")
VARIABLE_PRICE = "-1"

# Creator slug -> the maker's provider_name as OpenRouter's endpoints spell it.
MAKER_NAMES = {
    "ai21": "AI21",
    "amazon": "Amazon Bedrock",
    "anthropic": "Anthropic",
    "baidu": "Baidu",
    "bytedance-seed": "Seed",
    "cohere": "Cohere",
    "deepseek": "DeepSeek",
    "google": "Google AI Studio",
    "inception": "Inception",
    "liquid": "Liquid",
    "meta-llama": "Meta",
    "minimax": "MiniMax",
    "mistralai": "Mistral",
    "moonshotai": "Moonshot AI",
    "nvidia": "NVIDIA",
    "openai": "OpenAI",
    "openrouter": "OpenRouter",
    "perplexity": "Perplexity",
    "qwen": "Alibaba",
    "x-ai": "xAI",
    "z-ai": "Z.AI",
}
TIER_SUFFIXES = (":free", ":batch")


def maker_name(model_id: str) -> str:
    """The provider_name OpenRouter gives the maker of ``model_id`` (a fallback for unknowns)."""
    creator = model_id.lstrip("~").split("/", 1)[0]
    return MAKER_NAMES.get(creator, creator.replace("-", " ").title())


def build_replay(
    samples: Path,
    out: Path,
    drop_fraction: float = 0.0,
    changes: dict[str, Decimal] | None = None,
    recorded_at: str = RECORDED_AT,
) -> Path:
    """Write OUT/manifest.json and its bodies from SAMPLES; returns the manifest's path."""
    samples, out = Path(samples), Path(out)
    changes = {key: Decimal(value) for key, value in (changes or {}).items()}
    if not 0.0 <= drop_fraction <= 1.0:
        raise ValueError(f"drop fraction must be within [0, 1], not {drop_fraction}")
    list_bytes = (samples / "models.json").read_bytes()
    listing = json.loads(list_bytes)
    models = listing["data"]
    by_id = {model["id"]: model for model in models}
    unknown = sorted(set(changes) - set(by_id))
    if unknown:
        raise ValueError(f"--change names models not in models.json: {', '.join(unknown)}")

    out.mkdir(parents=True, exist_ok=True)
    (out / "endpoints").mkdir(exist_ok=True)
    responses = []

    if changes:
        for model_id, factor in changes.items():
            _scale_pricing(by_id[model_id]["pricing"], factor)
        (out / "models.json").write_text(json.dumps(listing, ensure_ascii=False), encoding="utf-8")
    else:
        # Unchanged: the recorded bytes, exactly as served.
        (out / "models.json").write_bytes(list_bytes)
    responses.append(_response(LIST_URL, "models.json"))

    # One endpoints body per details URL; `:free`/`:batch` variants share their base's URL.
    details: dict[str, list[dict[str, Any]]] = {}
    for model in models:
        details.setdefault(_details_path(model), []).append(model)

    recorded: dict[str, dict[str, Any]] = {}
    for path in sorted((samples / "endpoints").glob("*.json")):
        body = json.loads(path.read_text(encoding="utf-8"))
        model = by_id.get(body["data"]["id"])
        if model is None:
            print(f"skipped {path.name}: {body['data']['id']} is not in models.json", file=sys.stderr)
            continue
        recorded[_details_path(model)] = body

    kept = _kept_paths(sorted(details), drop_fraction)
    for details_path in sorted(details):
        if details_path not in kept:
            continue
        group = details[details_path]
        base = next((m for m in group if not m["id"].endswith(TIER_SUFFIXES)), group[0])
        body = recorded.get(details_path) or _endpoints_body(base)
        if base["id"] in changes and details_path in recorded:
            for endpoint in body["data"]["endpoints"]:
                _scale_pricing(endpoint["pricing"], changes[base["id"]])
        name = details_path.removeprefix("/api/v1/models/").removesuffix("/endpoints")
        relative = f"endpoints/{name.replace('/', '__')}.json"
        (out / relative).write_text(json.dumps(body, indent=2, ensure_ascii=False), encoding="utf-8")
        responses.append(_response(BASE_URL + details_path, relative))

    manifest = out / "manifest.json"
    manifest.write_text(
        json.dumps({"recorded_at": recorded_at, "responses": responses}, indent=2) + "\n", encoding="utf-8"
    )
    return manifest


def _details_path(model: dict[str, Any]) -> str:
    details = (model.get("links") or {}).get("details")
    if details:
        return details
    slug = model.get("canonical_slug") or model["id"].split(":", 1)[0]
    return f"/api/v1/models/{slug}/endpoints"


def _kept_paths(paths: list[str], drop_fraction: float) -> set[str]:
    """All but round(fraction x n) paths; the dropped ones are the lowest by URL hash."""
    ranked = sorted(paths, key=lambda p: hashlib.sha256(p.encode()).hexdigest())
    return set(ranked[round(drop_fraction * len(paths)) :])


def _endpoints_body(model: dict[str, Any]) -> dict[str, Any]:
    """An endpoints body with one endpoint: the maker, at OpenRouter's list price."""
    model_id = model["id"]
    base_id = model_id
    for suffix in TIER_SUFFIXES:
        base_id = base_id.removesuffix(suffix)
    creator = model_id.lstrip("~").split("/", 1)[0]
    provider = maker_name(model_id)
    endpoint = {
        "name": f"{provider} | {model.get('canonical_slug') or base_id}",
        "model_id": model_id,
        "model_name": model.get("name"),
        "context_length": model.get("context_length"),
        "pricing": {**json.loads(json.dumps(model["pricing"])), "discount": 0},
        "provider_name": provider,
        "tag": creator,
        "quantization": "unknown",
        "max_completion_tokens": (model.get("top_provider") or {}).get("max_completion_tokens"),
        "max_prompt_tokens": None,
        "supported_parameters": model.get("supported_parameters") or [],
        "status": 0,
        "uptime_last_30m": None,
        "uptime_last_5m": None,
        "uptime_last_1d": None,
        "supports_implicit_caching": False,
        "latency_last_30m": None,
        "throughput_last_30m": None,
    }
    data = {key: model.get(key) for key in ("id", "name", "created", "description", "architecture")}
    return {"data": {**data, "endpoints": [endpoint]}}


def _scale_pricing(pricing: dict[str, Any], factor: Decimal) -> None:
    """Multiply prompt/completion (and those of each override) by ``factor``, in place."""
    for prices in [pricing, *(pricing.get("overrides") or [])]:
        for key in CHANGED_KEYS:
            value = prices.get(key)
            if isinstance(value, str) and value != VARIABLE_PRICE:
                prices[key] = _decimal_text(Decimal(value) * factor)


def _decimal_text(value: Decimal) -> str:
    return "0" if value.is_zero() else format(value.normalize(), "f")


def _response(url: str, body: str) -> dict[str, Any]:
    return {"url": url, "method": "GET", "status": 200, "headers": dict(JSON_HEADERS), "body": body}


def _parse_change(text: str) -> tuple[str, Decimal]:
    model_id, sep, factor = text.rpartition("=")
    try:
        if not sep or not model_id:
            raise InvalidOperation
        value = Decimal(factor)
    except InvalidOperation:
        raise argparse.ArgumentTypeError(f"expected MODEL_ID=FACTOR, got {text!r}") from None
    if not value.is_finite() or value < 0:
        raise argparse.ArgumentTypeError(f"factor must be a non-negative number, got {factor!r}")
    return model_id, value


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point; returns the exit code."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("samples", type=Path, help="folder with models.json and endpoints/*.json")
    parser.add_argument("out", type=Path, help="replay folder to write (outside the repository)")
    parser.add_argument(
        "--drop-endpoints",
        type=float,
        default=0.0,
        metavar="FRACTION",
        help="share of endpoints URLs to omit",
    )
    parser.add_argument(
        "--change",
        type=_parse_change,
        action="append",
        default=[],
        metavar="MODEL_ID=FACTOR",
        help="scale one model's prompt/completion prices (repeatable)",
    )
    args = parser.parse_args(argv)
    try:
        manifest = build_replay(args.samples, args.out, args.drop_endpoints, dict(args.change))
    except (OSError, ValueError, KeyError) as error:
        print(f"Error: {error}", file=sys.stderr)
        return 1
    count = len(json.loads(manifest.read_text(encoding="utf-8"))["responses"])
    print(f"{manifest}: {count} responses")
    return 0


if __name__ == "__main__":
    sys.exit(main())
