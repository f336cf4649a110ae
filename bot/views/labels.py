"""What our messages and forms call the product's values: one copy of each word."""

from __future__ import annotations

from bot.domain import Cadence, Role

ROLE_LABELS = {
    Role.se: "SE",
    Role.ae: "AE",
    Role.champion: "Champion",
    Role.business_sponsor: "Business sponsor",
    Role.exec_sponsor: "Executive sponsor",
}

#: As the form offers them; in a sentence, lower-cased ("check-ins every two weeks").
CADENCE_LABELS = {
    Cadence.twice_weekly: "Twice a week",
    Cadence.weekly: "Weekly",
    Cadence.biweekly: "Every two weeks",
}
