using NetNsPS.Operations;
using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Threading;
using NetNsPS.Linux;
using NetNsPS.Linux.Firewall;
using NetNsPS.Linux.Netlink;

namespace NetNsPS.Internal;

/// <summary>
/// What every NetNsPS cmdlet shares: user errors as ErrorRecords (never stack traces), Ctrl+C that
/// cancels the running program, and plans that honour -WhatIf, -Verbose, -Confirm and roll back on failure.
/// </summary>
public abstract class NetNsCmdlet : PSCmdlet, IDisposable
{
    private readonly CancellationTokenSource _cancel = new();
    private LiveSystemView? _state;
    private NetlinkSession? _session;

    internal IProcessRunner Runner { get; set; } = ProcessRunner.Instance;

    protected CancellationToken CancellationToken => _cancel.Token;

    private IFirewallDriver? _firewall;

    /// <summary>The firewall, behind the one driver interface, as <see cref="FirewallDrivers"/> chooses it (on first use, so a bad choice is this record's error).</summary>
    internal IFirewallDriver Firewall
    {
        get => _firewall ??= FirewallDrivers.Current;
        set => _firewall = value;
    }

    /// <summary>The live state of the module's firewall chains, read once per call.</summary>
    protected FirewallSnapshot ReadFirewall() => Firewall.Read(Runner, _cancel.Token);

    /// <summary>The live system as planners see it, read lazily and cached for one record.</summary>
    protected ISystemView State => _state ??= new LiveSystemView(Runner, _cancel.Token, Session, Firewall);

    /// <summary>rtnetlink sockets for this record (null with the iproute2 backend); they keep namespaces alive, so they never outlive it.</summary>
    private NetlinkSession? Session => NetlinkSession.Enabled ? _session ??= new NetlinkSession() : null;

    /// <summary>Runs commands natively where they have a netlink form, else as programs.</summary>
    protected IProcessRunner CommandRunner => Session is { } session ? new NativeRunner(session, Runner) : Runner;

    /// <summary>
    /// Whether the cmdlet first waits for the links of namespaces deleted earlier in this process to be gone, so it
    /// finds the teardown finished. Only cmdlets that never meet those links, and run in teardown loops, skip it.
    /// </summary>
    protected virtual bool SettlesRemovals => true;

    /// <summary>State-changing cmdlets check privileges before doing anything.</summary>
    protected virtual bool ChangesState => false;

    /// <summary>True when -WhatIf is given or $WhatIfPreference is set.</summary>
    protected bool IsWhatIf
    {
        get
        {
            if (MyInvocation.BoundParameters.TryGetValue("WhatIf", out var value))
            {
                return LanguagePrimitives.IsTrue(value);
            }
            return LanguagePrimitives.IsTrue(GetVariableValue("WhatIfPreference"));
        }
    }

    protected sealed override void BeginProcessing()
    {
        Guard(() =>
        {
            if (ChangesState && !IsWhatIf)
            {
                Privileges.RequireNetworkAdmin(MyInvocation.MyCommand.Name);
            }
            if (SettlesRemovals && NamespaceRemoval.AnyPending)
            {
                NamespaceRemoval.Settle(State, CancellationToken);
            }
            Begin();
        }, terminating: true);
    }

    protected sealed override void ProcessRecord()
    {
        ForgetRecordState();
        ReportProgress();
        Guard(Process, terminating: false);
    }

    protected sealed override void EndProcessing()
    {
        ForgetRecordState();
        Guard(End, terminating: false);
        ForgetRecordState();
        if (_records > ProgressAfter)
        {
            WriteProgress(new ProgressRecord(ProgressId, MyInvocation.MyCommand.Name, $"{_records} done") { RecordType = ProgressRecordType.Completed });
        }
    }

    private const int ProgressAfter = 3;
    private const int ProgressId = 0x4e53;
    private int _records;

    /// <summary>A pipeline of more than a few items shows how far it got (the total is unknown while input streams).</summary>
    private void ReportProgress()
    {
        _records++;
        if (_records > ProgressAfter)
        {
            WriteProgress(new ProgressRecord(ProgressId, MyInvocation.MyCommand.Name, $"{_records} items so far"));
        }
    }

    /// <summary>Runs an action for each item of an array parameter, so one bad item is an error and the others still run.</summary>
    protected void ForEachItem(string[] items, Action<string> action)
    {
        foreach (var item in items)
        {
            Guard(() => action(item), terminating: false);
        }
    }

    /// <summary>
    /// <see cref="ForEachItem"/> for an optional array parameter whose absence means something (the host, say):
    /// once with null when it is not given or empty.
    /// </summary>
    protected void ForEachItemOrNone(string[]? items, Action<string?> action)
    {
        if (items is null || items.Length == 0)
        {
            Guard(() => action(null), terminating: false);
            return;
        }
        foreach (var item in items)
        {
            Guard(() => action(item), terminating: false);
        }
    }

    private void ForgetRecordState()
    {
        _state = null;
        _session?.Dispose();
        _session = null;
    }

    public void Dispose()
    {
        ForgetRecordState();
        _cancel.Dispose();
    }

    protected override void StopProcessing() => _cancel.Cancel();

    protected virtual void Begin() { }
    protected abstract void Process();
    protected virtual void End() { }

    /// <summary>
    /// Writes an output object after letting go of the record's netlink sockets: a socket keeps its namespace
    /// alive, and the next command in the pipeline may be the one deleting it.
    /// </summary>
    protected void Emit(object value)
    {
        _session?.Dispose();
        WriteObject(value);
    }

    /// <summary>
    /// Runs a plan: under -WhatIf prints each raw command and returns false; otherwise asks ShouldProcess once per
    /// object (naming it and listing its commands), writes each command to -Verbose as it runs, and rolls back
    /// everything on the first failure.
    /// </summary>
    protected bool Apply(Plan plan)
    {
        if (plan.IsEmpty)
        {
            // Nothing to change: the object already is as asked. Under -WhatIf nothing is written either way.
            return !IsWhatIf;
        }
        if (IsWhatIf)
        {
            foreach (var step in plan.Steps)
            {
                var line = step.Command.Render();
                ShouldProcess(line, line, MyInvocation.MyCommand.Name);
            }
            return false;
        }
        Run(plan, Confirm);
        return true;
    }

    /// <summary>-Confirm's question for one object of a plan, naming it and listing its commands.</summary>
    private bool Confirm(PlanObject o)
    {
        var subject = o.Subject ?? MyInvocation.MyCommand.Name;
        var commands = string.Concat(o.Steps.Select(s => "\n  " + s.Command.Render()));
        return ShouldProcess($"{subject} ({o.Steps.Count} command{(o.Steps.Count == 1 ? "" : "s")})",
            $"{subject}, with these commands:{commands}", MyInvocation.MyCommand.Name);
    }

    /// <summary>
    /// Runs the stages of one operation in order, each planned against the system as the ones before left it (under
    /// -WhatIf: each printed, planned against the system as it is). A failure anywhere rolls back every stage. Shows
    /// a progress bar of the objects made; returns how many commands ran (under -WhatIf: would run).
    /// <paramref name="after"/> runs after each stage (to wait for the kernel, say).
    /// </summary>
    protected int ApplyStages(string activity, IReadOnlyList<LabStage> stages, Action<LabStage>? after = null)
    {
        var executor = new PlanExecutor(CommandRunner, WriteVerbose, _cancel.Token);
        var journal = new List<PlanStep>();
        var commands = 0;
        try
        {
            for (var k = 0; k < stages.Count; k++)
            {
                Plan plan;
                try
                {
                    plan = stages[k].Plan(State);
                }
                catch (NetNsException)
                {
                    if (!IsWhatIf)
                    {
                        executor.Rollback(journal);
                    }
                    throw;
                }
                commands += plan.Steps.Count;
                if (plan.IsEmpty)
                {
                    // Nothing changed: what the view read stays true for the next stage (a converged lab reads each object once).
                    continue;
                }
                if (IsWhatIf)
                {
                    foreach (var step in plan.Steps)
                    {
                        var line = step.Command.Render();
                        ShouldProcess(line, line, MyInvocation.MyCommand.Name);
                    }
                    continue;
                }
                var objects = plan.Objects().Count;
                var done = 0;
                var stage = stages[k];
                executor.Execute(plan, o =>
                {
                    WriteProgress(new ProgressRecord(ProgressId + 1, activity, $"{stage.Name}: {o.Subject ?? "..."}")
                    {
                        PercentComplete = (int)(100.0 * (k + (double)done++ / Math.Max(objects, 1)) / stages.Count),
                    });
                    return Confirm(o);
                }, journal);
                State.Invalidate();
                after?.Invoke(stage);
            }
        }
        finally
        {
            State.Invalidate();
            WriteProgress(new ProgressRecord(ProgressId + 1, activity, "done") { RecordType = ProgressRecordType.Completed });
        }
        return commands;
    }

    /// <summary>
    /// Runs a plan outside -WhatIf, each command to -Verbose as it runs, asking <paramref name="confirm"/> once per
    /// object; rolls back everything on the first failure.
    /// </summary>
    protected void Run(Plan plan, Func<PlanObject, bool> confirm)
    {
        try
        {
            new PlanExecutor(CommandRunner, WriteVerbose, _cancel.Token).Execute(plan, confirm);
        }
        finally
        {
            State.Invalidate();
        }
    }

    private void Guard(Action action, bool terminating)
    {
        try
        {
            action();
        }
        catch (NetNsException e)
        {
            // A missing program or missing privilege stops the pipeline: every further record would fail alike.
            if (terminating || e.ErrorId is "ProgramNotFound" or "RootRequired")
            {
                ThrowTerminatingError(e.ToErrorRecord());
            }
            WriteError(e.ToErrorRecord());
        }
        catch (OperationCanceledException)
        {
            throw new PipelineStoppedException();
        }
    }

    /// <summary>Validates that a namespace exists (or that a -WhatIf run before announced it).</summary>
    protected void RequireNamespace(string name)
    {
        if (!State.NamespaceExists(name) && !(IsWhatIf && WhatIfLedger.HasNamespace(name)))
        {
            throw Errors.NamespaceNotFound(name);
        }
    }

    /// <summary>One -Namespace item: null or empty is the host; a name must exist, or have been announced by a -WhatIf run before.</summary>
    protected string? ExistingNamespaceOrHost(string? item, string parameterName = "Namespace")
    {
        if (string.IsNullOrEmpty(item))
        {
            return null;
        }
        var ns = Names.Namespace(item, parameterName);
        RequireNamespace(ns);
        return ns;
    }
}
