// pwsh stand-in: System.Management.Automation 7.6.9 in one persistent runspace.
// pwsh [-NoLogo -NoProfile -NonInteractive -NoExit ...] (-Command - | -Command <text>)
using System;
using System.Collections.Generic;
using System.Collections.ObjectModel;
using System.Globalization;
using System.IO;
using System.Management.Automation;
using System.Management.Automation.Host;
using System.Management.Automation.Language;
using System.Management.Automation.Runspaces;
using System.Security;
using System.Text;

static class Program
{
    static readonly Host host = new();
    static Runspace rs;

    static int Main(string[] args)
    {
        Console.OutputEncoding = new UTF8Encoding(false);
        string command = null;
        for (int i = 0; i < args.Length; i++)
        {
            var a = args[i].ToLowerInvariant();
            if (a is "-executionpolicy" or "-ep") i++;
            else if (a is "-command" or "-c") { command = string.Join(" ", args[(i + 1)..]); break; }
            else if (!a.StartsWith('-')) { command = string.Join(" ", args[i..]); break; }
        }
        var iss = InitialSessionState.CreateDefault2();   // CreateDefault() needs the missing snap-ins
        iss.ThreadOptions = PSThreadOptions.UseCurrentThread;
        rs = RunspaceFactory.CreateRunspace(host, iss);
        rs.Open();
        Runspace.DefaultRunspace = rs;
        if (command != null && command != "-") { Run(command); return host.ExitCode; }

        var stdin = new StreamReader(Console.OpenStandardInput(), new UTF8Encoding(false));
        var pending = new StringBuilder();
        string line;
        while (!host.ShouldExit && (line = stdin.ReadLine()) != null)
        {
            pending.Append(line).Append('\n');
            var text = pending.ToString();
            Parser.ParseInput(text, out _, out ParseError[] errs);
            if (line.Length > 0 && Array.Exists(errs, e => e.IncompleteInput)) continue;  // multi-line statement
            pending.Clear();
            if (text.Trim().Length > 0) Run(text);
        }
        return host.ExitCode;
    }

    static void Run(string script)
    {
        using var ps = PowerShell.Create();
        ps.Runspace = rs;
        ps.AddScript(script);
        ps.Commands.Commands[0].MergeMyResults(PipelineResultTypes.Error, PipelineResultTypes.Output);
        ps.AddCommand("Out-Default");   // Out-Default is in SMA; errors it receives go to WriteErrorLine
        try { ps.Invoke(); }
        catch (Exception ex)            // terminating error: format it like pwsh, on stderr
        {
            var er = (ex as IContainsErrorRecord)?.ErrorRecord ?? new ErrorRecord(ex, "Host", ErrorCategory.NotSpecified, null);
            host.Ui.ToStderr = true;
            try { using var p2 = PowerShell.Create(); p2.Runspace = rs; p2.AddCommand("Out-Default").Invoke(new[] { er }); }
            catch { Console.Error.WriteLine(er); }
            finally { host.Ui.ToStderr = false; }
        }
        Console.Out.Flush(); Console.Error.Flush();
    }
}

sealed class Host : PSHost
{
    public readonly Ui Ui = new();
    readonly Guid id = Guid.NewGuid();
    public bool ShouldExit; public int ExitCode;
    public override string Name => "PwshStandIn";
    public override Version Version => new(7, 6, 9);
    public override Guid InstanceId => id;
    public override PSHostUserInterface UI => Ui;
    public override CultureInfo CurrentCulture => CultureInfo.CurrentCulture;
    public override CultureInfo CurrentUICulture => CultureInfo.CurrentUICulture;
    public override void SetShouldExit(int exitCode) { ShouldExit = true; ExitCode = exitCode; }   // `exit N`
    public override void EnterNestedPrompt() => throw new NotSupportedException();
    public override void ExitNestedPrompt() => throw new NotSupportedException();
    public override void NotifyBeginApplication() { }
    public override void NotifyEndApplication() { }
}

sealed class Ui : PSHostUserInterface
{
    public bool ToStderr;
    readonly Raw raw = new();
    TextWriter W => ToStderr ? Console.Error : Console.Out;
    static string P(string s) => GetOutputString(s, false);   // strips ANSI, like pwsh with redirected output
    public override PSHostRawUserInterface RawUI => raw;
    public override void Write(string v) => W.Write(P(v));
    public override void Write(ConsoleColor f, ConsoleColor b, string v) => W.Write(P(v));
    public override void WriteLine(string v) => W.WriteLine(P(v));
    public override void WriteErrorLine(string v) => Console.Error.WriteLine(P(v));
    public override void WriteDebugLine(string m) => W.WriteLine(P("DEBUG: " + m));
    public override void WriteVerboseLine(string m) => W.WriteLine(P("VERBOSE: " + m));
    public override void WriteWarningLine(string m) => W.WriteLine(P("WARNING: " + m));
    public override void WriteProgress(long id, ProgressRecord r) { }
    static Exception NI() => new PSInvalidOperationException("PowerShell is in NonInteractive mode. Read and Prompt functionality is not available.");
    public override string ReadLine() => throw NI();
    public override SecureString ReadLineAsSecureString() => throw NI();
    public override Dictionary<string, PSObject> Prompt(string c, string m, Collection<FieldDescription> d) => throw NI();
    public override int PromptForChoice(string c, string m, Collection<ChoiceDescription> ch, int d) => throw NI();
    public override PSCredential PromptForCredential(string c, string m, string u, string t) => throw NI();
    public override PSCredential PromptForCredential(string c, string m, string u, string t, PSCredentialTypes a, PSCredentialUIOptions o) => throw NI();
}

sealed class Raw : PSHostRawUserInterface
{
    public override ConsoleColor ForegroundColor { get; set; } = ConsoleColor.Gray;
    public override ConsoleColor BackgroundColor { get; set; } = ConsoleColor.Black;
    public override Coordinates CursorPosition { get; set; }
    public override Coordinates WindowPosition { get; set; }
    public override int CursorSize { get; set; }
    public override Size BufferSize { get; set; } = new(120, 9001);   // Out-Default line width
    public override Size WindowSize { get; set; } = new(120, 50);
    public override Size MaxWindowSize => new(120, 50);
    public override Size MaxPhysicalWindowSize => new(120, 50);
    public override bool KeyAvailable => false;
    public override string WindowTitle { get; set; } = "";
    public override KeyInfo ReadKey(ReadKeyOptions o) => throw new NotSupportedException();
    public override void FlushInputBuffer() { }
    public override void SetBufferContents(Coordinates o, BufferCell[,] c) => throw new NotSupportedException();
    public override void SetBufferContents(Rectangle r, BufferCell f) => throw new NotSupportedException();
    public override BufferCell[,] GetBufferContents(Rectangle r) => throw new NotSupportedException();
    public override void ScrollBufferContents(Rectangle s, Coordinates d, Rectangle c, BufferCell f) => throw new NotSupportedException();
}
