"""Errbot plugin: `!campaign <words>`, `!campaign show <id>`, `!campaign list` from Tandem's sample campaigns."""
import os, sys

from errbot import BotPlugin, botcmd

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from peer_campaigns import Campaigns  # noqa: E402


class CampaignsPlugin(BotPlugin):
    """Campaign lookups for the side-by-side benchmark."""

    def activate(self):
        super().activate()
        self.campaigns = Campaigns()

    @botcmd
    def campaign(self, msg, args):
        """Find a campaign: campaign <words> | campaign show <id> | campaign list"""
        return self.campaigns.answer(args)
