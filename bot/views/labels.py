"""What our messages and forms call the product's values: one copy of each word."""

from __future__ import annotations

from bot.domain import CADENCE_WORDS, Role

ROLE_LABELS = {
    Role.se: "SE",
    Role.ae: "AE",
    Role.champion: "Champion",
    Role.business_sponsor: "Business sponsor",
    Role.exec_sponsor: "Executive sponsor",
}

#: As the form offers them; in a sentence, the domain's words ("check-ins every two weeks").
CADENCE_LABELS = {cadence: words.capitalize() for cadence, words in CADENCE_WORDS.items()}
