using System;
using System.IO;
using System.Linq;
using System.Text;
using NetNsPS.Operations;
using Xunit;

namespace NetNsPS.Tests;

/// <summary>
/// Golden files: a plan rendered as its -WhatIf lines and undos, compared with Golden/NAME.txt.
/// NETNSPS_UPDATE_GOLDEN=1 writes the files instead (then review the diff).
/// </summary>
public static class Golden
{
    public const string UpdateVariable = "NETNSPS_UPDATE_GOLDEN";

    /// <summary>"about: SUBJECT" whenever the subject changes, then "step: COMMAND" and "undo: COMMAND" (or "undo: (none)") per step.</summary>
    public static string Render(Plan plan)
    {
        var sb = new StringBuilder();
        string? subject = null;
        foreach (var step in plan.Steps)
        {
            if (step.Subject != subject || sb.Length == 0)
            {
                subject = step.Subject;
                sb.Append("about: ").Append(subject ?? "(none)").Append('\n');
            }
            sb.Append("step: ").Append(step.Command.Render()).Append('\n');
            sb.Append("undo: ").Append(step.Undo?.Render() ?? "(none)").Append('\n');
        }
        return sb.Length == 0 ? "(no steps)\n" : sb.ToString();
    }

    public static void Verify(string name, string actual)
    {
        var path = Path.Combine(SourceDirectory(), "Golden", name + ".txt");
        if (Environment.GetEnvironmentVariable(UpdateVariable) == "1")
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, actual);
            return;
        }
        Assert.True(File.Exists(path), $"no golden file {path}; run with {UpdateVariable}=1 to write it");
        Assert.Equal(File.ReadAllText(path), actual);
    }

    /// <summary>The test project's folder (the golden files live with the sources, not in bin/).</summary>
    private static string SourceDirectory()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (dir.GetFiles("NetNsPS.Tests.csproj").Any())
            {
                return dir.FullName;
            }
        }
        throw new InvalidOperationException("NetNsPS.Tests.csproj not found above " + AppContext.BaseDirectory);
    }
}
