"""The campaign lookup the peer bots answer, from Tandem's sample data (Config/sample-campaigns.json).

Our own code, shared by the Errbot plugin and the opsdroid skill, so both answer the same lookups the same way:
`campaign <words>` (a campaign whose id, name or tags contain every word, accents folded), `campaign show <id>`
and `campaign list`. It is deliberately simple (no typo tolerance, no ranking, no German commands, no plain-words
questions): the peers are fed the lookups both sides can answer, and this is about what the frameworks cost.
"""
import json, os, unicodedata
from datetime import date

PATH = os.environ.get("BENCH_CAMPAIGNS", "")


def fold(text):
    text = text.lower().replace("ß", "ss").replace("ä", "ae").replace("ö", "oe").replace("ü", "ue")
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


class Campaigns:
    def __init__(self, path=None):
        with open(path or PATH, encoding="utf-8") as f:
            self.items = json.load(f)
        for c in self.items:
            words = [c["id"], c["name"], " ".join(c.get("tags", []))]
            c["_folded"] = fold(" ".join(words)) + " " + fold(c["id"].replace("-", " "))

    def status(self, c, today=None):
        today = (today or date.today()).isoformat()
        if c.get("end", "9999") < today:
            return "ended"
        if c.get("start", "0000") > today:
            return "planned"
        return "live"

    def brief(self, c):
        lines = [f"**{c['name']}** ({c['id']}, {self.status(c)}, {c.get('start', '?')} – {c.get('end', '?')})"]
        if c.get("oneLiner"):
            lines.append(c["oneLiner"])
        offer = c.get("offer") or {}
        if offer:
            text = offer.get("description", "")
            if offer.get("promoCode"):
                text += f" (promo code {offer['promoCode']})"
            if offer.get("validUntil"):
                text += f", valid until {offer['validUntil']}"
            lines.append("Offer: " + text)
        if c.get("talkingPoints"):
            lines.append("Talking points: " + "; ".join(c["talkingPoints"]))
        if c.get("owner"):
            lines.append("Owner: " + c["owner"])
        return "\n".join(lines)

    def answer(self, args):
        """The reply to `campaign <args>`."""
        words = args.split()
        if not words:
            return "Usage: campaign <name or keyword> | campaign show <id> | campaign list"
        if words[0] == "list":
            return "\n".join(f"{c['id']}: {c['name']} ({self.status(c)})" for c in self.items
                             if self.status(c) != "ended")
        if words[0] == "show" and len(words) == 2:
            for c in self.items:
                if c["id"] == words[1]:
                    return self.brief(c)
            return f"There is no campaign with the id {words[1]}."
        folded = [fold(w) for w in words]
        hits = [c for c in self.items if all(w in c["_folded"] for w in folded)]
        if not hits:
            return f"No campaign matches {args}."
        return self.brief(hits[0]) + (f"\n({len(hits) - 1} more match)" if len(hits) > 1 else "")
