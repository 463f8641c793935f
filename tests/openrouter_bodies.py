"""Small OpenRouter-shaped bodies for refresh tests (true prices of the 2026-08-22 recording)."""

from __future__ import annotations

from typing import Any

BASE = "https://openrouter.ai"
LIST_URL = f"{BASE}/api/v1/models"

# id -> (prompt, completion) per token, as in models.json of 2026-08-22.
TRUE_PRICES = {
    "anthropic/claude-opus-4.8": ("0.000005", "0.000025"),
    "moonshotai/kimi-k2.6": ("0.0000005415", "0.00000228"),
    "deepseek/deepseek-v3.2": ("0.00000026", "0.00000038"),
    "qwen/qwen3.5-397b-a17b": ("0.00000039", "0.00000234"),
}


def endpoints_url(model_id: str) -> str:
    return f"{BASE}/api/v1/models/{model_id}/endpoints"


def models_body(prices: dict[str, tuple[str, str]]) -> dict[str, Any]:
    """A /api/v1/models body listing these models at these per-token prices."""
    return {
        "data": [
            {
                "id": model_id,
                "canonical_slug": model_id,
                "name": model_id,
                "created": 1787336476,
                "context_length": 200000,
                "pricing": {"prompt": prompt, "completion": completion},
                "links": {"details": f"/api/v1/models/{model_id}/endpoints"},
            }
            for model_id, (prompt, completion) in prices.items()
        ]
    }


def endpoints_body(model_id: str, hosts: list[tuple[str, str, str, str]]) -> dict[str, Any]:
    """An endpoints body: hosts are (provider_name, tag, prompt, completion)."""
    return {
        "data": {
            "id": model_id,
            "name": model_id,
            "endpoints": [
                {
                    "name": f"{name} | {model_id}",
                    "provider_name": name,
                    "tag": tag,
                    "quantization": "fp8",
                    "context_length": 131072,
                    "pricing": {"prompt": prompt, "completion": completion, "discount": 0},
                }
                for name, tag, prompt, completion in hosts
            ],
        }
    }


def one_host(model_id: str, prices: dict[str, tuple[str, str]]) -> dict[str, Any]:
    """An endpoints body with DeepInfra serving the model at its list price."""
    prompt, completion = prices[model_id]
    return endpoints_body(model_id, [("DeepInfra", "deepinfra/fp8", prompt, completion)])
