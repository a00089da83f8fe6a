@echo off
rem The fl4j command line on Windows, without Maven (build first: mvn -B -q package -DskipTests).
setlocal
set "DIR=%~dp0"
if "%FL4J_TARGET%"=="" (set "T=target") else (set "T=%FL4J_TARGET%")
set "LIB=%DIR%fl-experiments\%T%\lib"
set "JAR="
for %%f in ("%DIR%fl-experiments\%T%\fl-experiments-*.jar") do set "JAR=%%f"
if not exist "%LIB%" goto notbuilt
if "%JAR%"=="" goto notbuilt
if "%FL4J_JAVA_OPTS%"=="" (set "OPTS=-Xmx4g --add-modules jdk.incubator.vector") else (set "OPTS=%FL4J_JAVA_OPTS%")
java %OPTS% "-Dfl4j.home=%DIR%." -Dlogback.configurationFile=fl4j-logback.xml -cp "%JAR%;%LIB%\*" io.github.fl4j.experiments.cli.Fl4j %*
exit /b %ERRORLEVEL%
:notbuilt
echo fl4j: not built yet; from %DIR% run: mvn -B -q package -DskipTests 1>&2
exit /b 1
