"""Runs the official OpenAI Python SDK against greenmarkd's chat completions.

    python3 openai_client.py BASE_URL API_KEY

Makes one plain and one streamed `chat.completions.create` call with max_tokens=16 and prints
one JSON object with what the SDK returned (content, finish reasons, the Greenmark receipt
fields); the Swift test checks the values, and the process exits non-zero when the SDK raises.
"""
import json
import sys

import openai

base_url, api_key = sys.argv[1], sys.argv[2]
client = openai.OpenAI(base_url=base_url, api_key=api_key, max_retries=0, timeout=300)
messages = [
    {"role": "system", "content": "You are brief."},
    {"role": "user", "content": "Say hello in one sentence."},
]

raw = client.chat.completions.with_raw_response.create(model="greenmark", messages=messages, max_tokens=16, seed=7)
completion = raw.parse()
plain_extra = (completion.model_extra or {}).get("greenmark") or {}

content = []
chunks = 0
stream_extra = {}
stream_finish = None
for chunk in client.chat.completions.create(model="greenmark", messages=messages, max_tokens=16, seed=8, stream=True):
    chunks += 1
    for choice in chunk.choices:
        if choice.delta and choice.delta.content:
            content.append(choice.delta.content)
        if choice.finish_reason:
            stream_finish = choice.finish_reason
    extra = (chunk.model_extra or {}).get("greenmark")
    if extra:
        stream_extra = extra

print(json.dumps({
    "sdk_version": openai.__version__,
    "plain": {
        "object": completion.object,
        "content": completion.choices[0].message.content,
        "finish_reason": completion.choices[0].finish_reason,
        "completion_tokens": completion.usage.completion_tokens if completion.usage else None,
        "receipt_id": plain_extra.get("receipt_id"),
        "receipt_payload": (plain_extra.get("receipt") or {}).get("payload"),
        "receipt_header": raw.headers.get("greenmark-receipt-id"),
    },
    "stream": {
        "chunks": chunks,
        "content": "".join(content),
        "finish_reason": stream_finish,
        "receipt_id": stream_extra.get("receipt_id"),
        "receipt_payload": (stream_extra.get("receipt") or {}).get("payload"),
    },
}))
