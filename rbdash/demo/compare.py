"""Scoring a parse against generated truth with score_parse's rules (loose text, exact months)."""

from __future__ import annotations

import re



_MARK = re.compile(r"(^|\s)(\(?[0-9]{1,2}[.)]|\(?[a-z][.)]|[ivx]+\.|-|•)(?=\s)")


def _norm_text(s) -> str:
    if s is None:
        return ""
    if isinstance(s, list):
        s = " ".join(str(x) for x in s if x)
    s = re.sub(r"<[^>]+>", " ", str(s)).casefold()
    s = re.sub(r"^\s*(\d+\.)+\d*\s*", " ", s)
    s = _MARK.sub(" ", " " + s)
    s = re.sub(r"[^\w%]+", " ", s)
    return " ".join(s.split())


def _same_text(truth, got) -> bool:
    import difflib
    t, g = _norm_text(truth), _norm_text(got)
    return not t or t in g or difflib.SequenceMatcher(None, t, g).ratio() >= 0.9


def scorer_name(s) -> str:
    """An office's name as the shared scorer compares it (KPU and Kab. spellings folded, nothing more:
    its rules, not rbdash.regions', so a score here is the score there)."""
    s = (s or "").casefold().replace("komisi pemilihan umum", "kpu").replace("kab.", "kabupaten")
    return " ".join(re.sub(r"[^\w]+", " ", s).split())


def compare(truth: dict, out: dict):
    """Score a `parse --json` dict against a truth: (ok, n, extra, {field: count}, [satker/year problems]).

    The same rules as ../shared/tools/score_parse.py (records keyed by sheet and row, loose text), kept
    here so a clone without ../shared scores generated workbooks the same way."""
    got: dict = {}
    for a in out.get("activities", []):
        key = (str(a.get("sheet")), int(a.get("row", -1)))
        g = got.setdefault(key, {"area_no": a.get("area_no"), "kegiatan": [], "sub_kegiatan": [],
                                  "indikator": [], "planned": set(), "realized": set()})
        for f in ("kegiatan", "sub_kegiatan", "indikator"):
            v = a.get(f)
            g[f].extend(v if isinstance(v, list) else [v])
        g["planned"] |= set(a.get("planned_months") or [])
        g["realized"] |= set(a.get("realized_months") or [])
    fails: dict[str, int] = {}
    ok = 0
    for t in truth["records"]:
        g = got.get((t["sheet"], t["row"]))
        why = []
        if g is None:
            why.append("missing")
        else:
            if set(t["planned_months"]) != g["planned"]:
                why.append("planned_months")
            if "realized_months" in t and set(t["realized_months"]) != g["realized"]:
                why.append("realized_months")
            if t["area_no"] != g["area_no"]:
                why.append("area_no")
            joined = {f: " ".join(x for x in dict.fromkeys(g[f]) if x) for f in ("kegiatan", "sub_kegiatan", "indikator")}
            if t.get("kegiatan") is None:  # one activity level: either parsed level may hold it
                joined["sub_kegiatan"] = joined["kegiatan"] + " " + joined["sub_kegiatan"]
            for f in ("kegiatan", "sub_kegiatan", "indikator"):
                if t.get(f) is not None and not _same_text(t[f], joined[f]):
                    why.append(f)
        for w in why:
            fails[w] = fails.get(w, 0) + 1
        ok += not why
    extra = len(set(got) - {(t["sheet"], t["row"]) for t in truth["records"]})
    meta = []
    if scorer_name(out.get("satker")) != scorer_name(truth["satker"]):
        meta.append(f"satker={out.get('satker')!r}")
    if out.get("year") != truth["year"]:
        meta.append(f"year={out.get('year')!r}")
    return ok, len(truth["records"]), extra, fails, meta


# The app's sample set: the two seed offices as their decrees look, plus demo offices of other families.
