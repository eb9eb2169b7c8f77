"""Counter reception: a walk-in dossier received, completed (Form 02) or refused (Form 03), or
settled on the spot, as one service in one transaction; the applicant pre-fill."""
