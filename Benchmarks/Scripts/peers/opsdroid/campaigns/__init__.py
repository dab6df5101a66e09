"""opsdroid skill: `campaign <words>`, `campaign show <id>`, `campaign list` from Tandem's sample campaigns."""
import os, sys

from opsdroid.matchers import match_regex
from opsdroid.skill import Skill

# opsdroid copies a skill into its own module folder: the shared lookup is found through BENCH_PEERS_DIR.
sys.path.insert(0, os.environ["BENCH_PEERS_DIR"])
from peer_campaigns import Campaigns  # noqa: E402


class CampaignSkill(Skill):
    """Campaign lookups for the side-by-side benchmark."""

    def __init__(self, opsdroid, config, *args, **kwargs):
        super().__init__(opsdroid, config, *args, **kwargs)
        self.campaigns = Campaigns(config.get("campaigns") or None)

    @match_regex(r"^campaign(?:\s+(?P<args>.*))?$", case_sensitive=False)
    async def campaign(self, message):
        await message.respond(self.campaigns.answer(message.text.split(" ", 1)[1] if " " in message.text else ""))
