; wardapp for Windows: an Inno Setup 6 script that installs the PyInstaller bundle for the
; current user only (no administrator rights), with a Start menu shortcut and an uninstaller.
;
; On Windows, `python installer\build.py` builds dist\wardapp\ and then runs
;     iscc /DBundleDir=<repo>\dist\wardapp /O<repo>\dist installer\windows\wardapp.iss
; when iscc is on PATH; `iscc installer\windows\wardapp.iss` alone works too.
; The version is read from dist\wardapp\wardapp.exe, which the spec stamps with the version
; in pyproject.toml: there is no second copy of it here.
;
; Uninstalling removes the program folder only. The user's profile, settings and map cache
; live in %LOCALAPPDATA%\wardapp and stay, as does the key in Windows Credential Manager.

#ifndef BundleDir
  #define BundleDir AddBackslash(SourcePath) + "..\..\dist\wardapp"
#endif
#define AppExe "wardapp.exe"
#define AppVersion GetVersionNumbersString(AddBackslash(BundleDir) + AppExe)
#if AppVersion == ""
  #error "No wardapp.exe in the bundle folder: run python installer\build.py first."
#endif

[Setup]
AppId={{6F0C2A5E-3B7D-4C1E-9A55-2D8E7B1F4A30}
AppName=wardapp
AppVersion={#AppVersion}
AppVerName=wardapp {#AppVersion}
AppPublisher=wardapp
; Per-user install: {autopf} is %LOCALAPPDATA%\Programs, shortcuts go to the user's Start menu.
PrivilegesRequired=lowest
DefaultDirName={autopf}\wardapp
DefaultGroupName=wardapp
DisableProgramGroupPage=yes
UninstallDisplayIcon={app}\{#AppExe}
OutputBaseFilename=wardapp-{#AppVersion}-setup
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
Compression=lzma2
SolidCompression=yes
WizardStyle=modern

[Files]
Source: "{#BundleDir}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{autoprograms}\wardapp"; Filename: "{app}\{#AppExe}"
Name: "{autoprograms}\wardapp demo"; Filename: "{app}\{#AppExe}"; Parameters: "demo"

[Run]
Filename: "{app}\{#AppExe}"; Description: "Start wardapp"; Flags: nowait postinstall skipifsilent
