"""The BAN geocoder (Base Adresse Nationale), through its batch CSV endpoint:
POST {BAN_URL}/search/csv/ with the addresses as a CSV file; the answer is the same CSV
with latitude, longitude, result_score, result_type and result_citycode appended.

Only confident answers are used (score ≥ MIN_SCORE); anything else is "not found", and the
pipeline falls back to the commune centroid, flagged approximate. A geocoder that is down
makes the whole run fall back the same way — it never fails a row.
"""
from __future__ import annotations

import csv
import io
import time
from dataclasses import dataclass

import requests
import urllib3

from importers.feeds import network_problem

MIN_SCORE = 0.5
BATCH_SIZE = 1000
PRECISION_BY_TYPE = {"housenumber": "address", "street": "street", "locality": "street",
                     "municipality": "municipality"}


class GeocoderUnavailable(Exception):
    pass


@dataclass(frozen=True)
class GeocodedPoint:
    lon: float
    lat: float
    score: float
    precision: str      # a LocationPrecision value
    citycode: str | None


@dataclass(frozen=True)
class AddressQuery:
    key: str
    address: str
    postal_code: str | None = None
    citycode: str | None = None
    city: str | None = None


class BanGeocoder:
    def __init__(self, base_url: str, timeout: float = 30.0, session: requests.Session | None = None):
        self.endpoint = base_url.rstrip("/") + "/search/csv/"
        self.timeout = timeout
        self.http = session or requests.Session()

    def geocode(self, queries: list[AddressQuery]) -> dict[str, GeocodedPoint]:
        results: dict[str, GeocodedPoint] = {}
        for start in range(0, len(queries), BATCH_SIZE):
            results.update(self._batch(queries[start:start + BATCH_SIZE]))
        return results

    def _batch(self, queries: list[AddressQuery]) -> dict[str, GeocodedPoint]:
        if not queries:
            return {}
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(["key", "address", "postcode", "citycode", "city"])
        for q in queries:
            writer.writerow([q.key, q.address, q.postal_code or "", q.citycode or "", q.city or ""])
        files = {"data": ("adresses.csv", buffer.getvalue().encode("utf-8"), "text/csv")}
        data = [("columns", "address"), ("columns", "city"), ("postcode", "postcode"), ("citycode", "citycode"),
                ("result_columns", "latitude"), ("result_columns", "longitude"),
                ("result_columns", "result_score"), ("result_columns", "result_type"),
                ("result_columns", "result_citycode")]
        deadline = time.monotonic() + self.timeout  # for the whole answer, not each read of it
        try:
            with self.http.post(self.endpoint, files=files, data=data, timeout=self.timeout,
                                stream=True) as response:
                if response.status_code != 200:
                    raise GeocoderUnavailable(f"le géocodeur a répondu {response.status_code}")
                body = bytearray()
                # read1: what has arrived (up to 64 KB), so that a dripping answer meets the deadline
                while chunk := response.raw.read1(1 << 16, decode_content=True):
                    body += chunk
                    if time.monotonic() > deadline:
                        raise GeocoderUnavailable(f"le géocodeur n'a pas fini de répondre en {self.timeout:g} s")
        except requests.RequestException as exc:
            raise GeocoderUnavailable(f"géocodeur injoignable : {network_problem(exc, self.timeout)}") from exc
        except urllib3.exceptions.HTTPError as exc:  # raised by read1 itself: a cut or stalled answer
            reason = "aucune réponse" if isinstance(exc, urllib3.exceptions.TimeoutError) else "réponse interrompue"
            raise GeocoderUnavailable(f"géocodeur injoignable : {reason}") from exc
        return self._parse(body.decode("utf-8-sig", errors="replace"))

    @staticmethod
    def _parse(body: str) -> dict[str, GeocodedPoint]:
        results = {}
        reader = csv.DictReader(io.StringIO(body))
        if not reader.fieldnames or "key" not in reader.fieldnames:
            raise GeocoderUnavailable("réponse du géocodeur illisible")
        for row in reader:
            try:
                score = float(row.get("result_score") or 0)
                lat, lon = float(row["latitude"]), float(row["longitude"])
            except (TypeError, ValueError, KeyError):
                continue
            if score < MIN_SCORE:
                continue
            results[row["key"]] = GeocodedPoint(
                lon=lon, lat=lat, score=score,
                precision=PRECISION_BY_TYPE.get(row.get("result_type") or "", "street"),
                citycode=row.get("result_citycode") or None,
            )
        return results
