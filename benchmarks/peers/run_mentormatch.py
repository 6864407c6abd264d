"""PyPI `mentormatch` 1.1 (J&J cross-sector programme): its MS Forms-style workbook
(sheets mentor, mentee, favor) read by its own importer, its own matcher (preferred
round, then random round of mentee-proposing deferred acceptance with favoured mentees),
its own pairs table.

    python run_mentormatch.py APPLICATIONS.xlsx PAIRS.csv
"""
import sys

from mentormatch.api.app.app_main import main as match_applications
from mentormatch.importer import ImporterFactory
from mentormatch.utils import ApplicantType


def main(xlsx_path: str, pairs_path: str) -> None:
    applications = ImporterFactory.get_excel_importer(source_path=xlsx_path).execute()
    results = match_applications(applications[ApplicantType.MENTOR], applications[ApplicantType.MENTEE])
    results["pairs"].to_csv(pairs_path, index=False)


if __name__ == "__main__":
    main(*sys.argv[1:3])
