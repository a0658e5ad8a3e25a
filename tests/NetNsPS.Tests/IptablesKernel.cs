using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using NetNsPS.Linux;
using NetNsPS.Linux.Firewall;
using NetNsPS.Linux.Firewall.Iptables;

namespace NetNsPS.Tests;

/// <summary>
/// A small in-memory iptables for tests: tables of chains of rules, changed by `iptables -w -t T -N/-X/-A/-I/-D`
/// exactly as the kernel would (a -D without a matching rule, an -N of a chain that exists, an -X of a chain that
/// holds rules or is still jumped to all fail), and printed back as iptables-save prints it.
/// </summary>
public sealed class IptablesKernel
{
    private static readonly Dictionary<string, string[]> Builtins = new()
    {
        ["raw"] = new[] { "PREROUTING", "OUTPUT" },
        ["nat"] = new[] { "PREROUTING", "INPUT", "OUTPUT", "POSTROUTING" },
        ["filter"] = new[] { "INPUT", "FORWARD", "OUTPUT" },
    };

    private sealed class Chain
    {
        public string Name = "";
        public string? Policy;
        public List<List<string>> Rules = new();
    }

    private readonly SortedDictionary<string, List<Chain>> _tables = new(StringComparer.Ordinal);

    /// <summary>The kernel holding what a ruleset shows (every chain, policy and rule, in order).</summary>
    public static IptablesKernel From(FirewallRuleset ruleset, string tool = "iptables")
    {
        var kernel = new IptablesKernel { Tool = tool };
        foreach (var chain in ruleset.Chains)
        {
            var c = kernel.Table(chain.Table).FirstOrDefault(x => x.Name == chain.Name);
            if (c is null)
            {
                kernel.Table(chain.Table).Add(c = new Chain { Name = chain.Name });
            }
            c.Policy = chain.Policy;
            c.Rules.AddRange(chain.Rules.Select(r => r.NativeSpec.ToList()));
        }
        return kernel;
    }

    public static IptablesKernel From(string save, string tool = "iptables") => From(IptablesDriver.ParseRuleset(save), tool);

    private List<Chain> Table(string name)
    {
        if (!_tables.TryGetValue(name, out var chains))
        {
            _tables[name] = chains = Builtins[name].Select(b => new Chain { Name = b, Policy = "ACCEPT" }).ToList();
        }
        return chains;
    }

    /// <summary>Runs the firewall commands of a plan (others, such as sysctl, are not the firewall's and are skipped).</summary>
    public void RunAll(IEnumerable<CommandSpec> commands)
    {
        foreach (var command in commands.Where(c => c.Program == Tool))
        {
            Run(command);
        }
    }

    public void Run(CommandSpec command)
    {
        var a = command.Arguments;
        if (command.Program != Tool || a.Count < 5 || a[0] != "-w" || a[1] != "-t")
        {
            throw new InvalidOperationException("not an iptables change: " + command.Render());
        }
        var table = Table(a[2]);
        var name = a[4];
        var chain = table.FirstOrDefault(c => c.Name == name);
        Chain Existing() => chain ?? throw new InvalidOperationException($"no chain {name}: {command.Render()}");
        switch (a[3])
        {
            case "-N":
                if (chain is not null) throw new InvalidOperationException("chain exists: " + command.Render());
                table.Add(new Chain { Name = name });
                break;
            case "-X":
                if (Existing().Rules.Count > 0 || Existing().Policy is not null) throw new InvalidOperationException("chain not empty or built in: " + command.Render());
                if (table.Any(c => c.Rules.Any(r => r.Count >= 2 && r[^2] is "-j" or "-g" && r[^1] == name))) throw new InvalidOperationException("chain still referenced: " + command.Render());
                table.Remove(chain!);
                break;
            case "-A":
                Existing().Rules.Add(a.Skip(5).ToList());
                break;
            case "-I":
                Existing().Rules.Insert(int.Parse(a[5]) - 1, a.Skip(6).ToList());
                break;
            case "-D":
                var spec = a.Skip(5).ToList();
                var index = Existing().Rules.FindIndex(r => r.SequenceEqual(spec));
                if (index < 0) throw new InvalidOperationException("no rule to delete: " + command.Render());
                chain!.Rules.RemoveAt(index);
                break;
            default:
                throw new InvalidOperationException("not modelled: " + command.Render());
        }
    }

    /// <summary>The firewall as iptables-save prints it.</summary>
    public string Save()
    {
        var sb = new StringBuilder();
        foreach (var (name, chains) in _tables)
        {
            sb.Append('*').Append(name).Append('\n');
            foreach (var c in chains)
            {
                sb.Append(':').Append(c.Name).Append(' ').Append(c.Policy ?? "-").Append(" [0:0]\n");
            }
            foreach (var c in chains)
            {
                foreach (var rule in c.Rules)
                {
                    sb.Append("-A ").Append(c.Name);
                    foreach (var token in rule)
                    {
                        sb.Append(' ').Append(token.Length > 0 && token.All(ch => ch > ' ' && ch != '"' && ch != '\\') ? token : "\"" + token.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"");
                    }
                    sb.Append('\n');
                }
            }
            sb.Append("COMMIT\n");
        }
        return sb.ToString();
    }

    public IptablesSnapshot Read() => IptablesDriver.Parse(Save(), ipv6: Tool == "ip6tables");

    /// <summary>The tool whose commands this kernel takes: iptables, or ip6tables for an IPv6 one.</summary>
    public string Tool { get; init; } = "iptables";
}
