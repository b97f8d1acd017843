# Create (or reuse) a virtual environment of its own for the real LiteLLM proxy (Windows).
#
#   powershell -File scripts\litellm-venv.ps1 [-VenvDir DIR]     # default: <repo>\.litellm-venv
#   $env:DISCOVERY_TUI_LITELLM = (powershell -File scripts\litellm-venv.ps1 | Select-Object -Last 1)
#
# The same pins as scripts/litellm-venv.sh; idempotent; the last line printed is the path of
# litellm.exe. Environment: LITELLM_VERSION, PRISMA_VERSION, PYTHON (interpreter to use).
param([string]$VenvDir = "")
$ErrorActionPreference = "Stop"

$LitellmVersion = if ($env:LITELLM_VERSION) { $env:LITELLM_VERSION } else { "1.106.2" }
$PrismaVersion = if ($env:PRISMA_VERSION) { $env:PRISMA_VERSION } else { "0.15.0" }
$RepoRoot = Split-Path -Parent $PSScriptRoot
if (-not $VenvDir) { $VenvDir = Join-Path $RepoRoot ".litellm-venv" }
$VenvPython = Join-Path $VenvDir "Scripts\python.exe"
$LitellmExe = Join-Path $VenvDir "Scripts\litellm.exe"

function Get-InstalledVersion([string]$Package) {
    $code = "from importlib.metadata import version, PackageNotFoundError`ntry: print(version('$Package'))`nexcept PackageNotFoundError: pass"
    $out = & $VenvPython -c $code 2>$null
    if ($LASTEXITCODE -ne 0) { return "" }
    return "$out".Trim()
}

if (-not (Test-Path $VenvPython)) {
    $python = if ($env:PYTHON) { $env:PYTHON } elseif (Get-Command py -ErrorAction SilentlyContinue) { "py" } else { "python" }
    [Console]::Error.WriteLine("litellm-venv: creating $VenvDir")
    & $python -m venv $VenvDir
    if ($LASTEXITCODE -ne 0) { throw "litellm-venv: cannot create $VenvDir; set PYTHON to a Python 3.10+ interpreter" }
}

if ((Get-InstalledVersion "litellm") -eq $LitellmVersion -and (Get-InstalledVersion "prisma") -eq $PrismaVersion -and (Test-Path $LitellmExe)) {
    [Console]::Error.WriteLine("litellm-venv: litellm $LitellmVersion already installed in $VenvDir")
} else {
    [Console]::Error.WriteLine("litellm-venv: installing litellm[proxy]==$LitellmVersion prisma==$PrismaVersion (about 100 s, 750 MB)")
    & $VenvPython -m pip install --quiet --disable-pip-version-check "litellm[proxy]==$LitellmVersion" "prisma==$PrismaVersion" | Out-Host
    if ($LASTEXITCODE -ne 0) { throw "litellm-venv: pip install failed (see above)" }
}

if (-not (Test-Path $LitellmExe)) { throw "litellm-venv: $LitellmExe missing after install; remove $VenvDir and re-run" }
Write-Output $LitellmExe
