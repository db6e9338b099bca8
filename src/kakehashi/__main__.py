import os
import sys


def main() -> None:
    """`python -m kakehashi` is manage.py, installed with the package."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kakehashi.settings")
    # Django is imported once the settings module is named.
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
