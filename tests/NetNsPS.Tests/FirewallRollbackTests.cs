using NetNsPS.Linux.Firewall.Iptables;
using NetNsPS.Operations;
using System;
using System.Collections.Generic;
using System.Linq;
using NetNsPS.Linux;
using NetNsPS.Linux.Firewall;
using Xunit;

namespace NetNsPS.Tests;

/// <summary>
/// Undoing a firewall plan restores the chains exactly, order included: checked by running a plan and then its
/// undos, newest first, on a small model of iptables (-N, -X, -A, -I, -D).
/// </summary>
public class FirewallRollbackTests
{
    // The module's chains between other tools' rules: a jump of theirs before and after ours in each built-in chain.
    private const string Save = """
        *nat
        :PREROUTING ACCEPT [0:0]
        :POSTROUTING ACCEPT [0:0]
        :NETNSPS-POSTROUTING - [0:0]
        -A POSTROUTING -s 10.88.0.0/16 ! -o other0 -j MASQUERADE
        -A POSTROUTING -j NETNSPS-POSTROUTING
        -A POSTROUTING -o other0 -j ACCEPT
        -A NETNSPS-POSTROUTING -s 192.168.15.0/24 ! -o bridge0 -m comment --comment "netnsps:masq:bridge0" -j MASQUERADE
        -A NETNSPS-POSTROUTING -s 192.168.15.3/32 -d 192.168.15.3/32 -p tcp -m tcp --dport 80 -m comment --comment "netnsps:port:tcp:0.0.0.0:8081:blue:bridge0:hairpin" -j MASQUERADE
        -A NETNSPS-POSTROUTING -o bridge0 -m addrtype --src-type LOCAL -m comment --comment "netnsps:localnet:bridge0" -j MASQUERADE
        -A NETNSPS-POSTROUTING -s 192.168.15.2/32 -d 192.168.15.2/32 -p tcp -m tcp --dport 80 -m comment --comment "netnsps:port:tcp:0.0.0.0:8080:red:bridge0:hairpin" -j MASQUERADE
        COMMIT
        """;

    [Theory]
    [InlineData("8081")]
    [InlineData("netnsps:")]
    [InlineData("localnet")]
    public void UndoingARemovalPutsEveryRuleAndJumpBackInItsPlace(string tagPart)
    {
        var before = Model.From(Save);
        var snapshot = IptablesDriver.Parse(Save);
        var plan = new Plan();
        IptablesDriver.Instance.PlanRemove(snapshot, snapshot.Rules.Where(r => r.Tag.Contains(tagPart)).ToList(), plan);
        Assert.NotEmpty(plan.Steps);
        Assert.All(plan.Steps.Where(s => s.Command.Arguments.Contains("-D")), s => Assert.Contains("-I", s.Undo!.Arguments));

        // Every prefix of the plan, undone: what a failure at step k leaves after rollback.
        for (var k = 0; k <= plan.Steps.Count; k++)
        {
            var model = Model.From(Save);
            foreach (var step in plan.Steps.Take(k))
            {
                model.Run(step.Command);
            }
            foreach (var step in plan.Steps.Take(k).Reverse())
            {
                model.Run(step.Undo!);
            }
            Assert.Equal(before.ToString(), model.ToString());
        }
    }

    [Fact]
    public void UndoingAnEnsurePutsABackHandEditedRuleInItsPlace()
    {
        var edited = Save.Replace("--dport 80 -m comment --comment \"netnsps:port:tcp:0.0.0.0:8081:blue:bridge0:hairpin\"",
            "--dport 81 -m comment --comment \"netnsps:port:tcp:0.0.0.0:8081:blue:bridge0:hairpin\"");
        var wanted = IptablesDriver.Parse(Save).Rules.Single(r => r.Tag.EndsWith("8081:blue:bridge0:hairpin", StringComparison.Ordinal));
        var snapshot = IptablesDriver.Parse(edited);
        var plan = new Plan();
        IptablesDriver.Instance.PlanEnsure(snapshot, new[] { wanted }, plan);
        Assert.Equal(2, plan.Steps.Count);
        var model = Model.From(edited);
        foreach (var step in plan.Steps) model.Run(step.Command);
        foreach (var step in plan.Steps.Reverse()) model.Run(step.Undo!);
        Assert.Equal(Model.From(edited).ToString(), model.ToString());
    }

    [Fact]
    public void WithoutAKnownOrder_TheUndoAppends()
    {
        var snapshot = IptablesDriver.Parse(Save);
        snapshot.Order.Clear();
        var plan = new Plan();
        IptablesDriver.Instance.PlanRemove(snapshot, snapshot.Rules.Take(1).ToList(), plan);
        Assert.Equal("-A", plan.Steps[0].Undo!.Arguments[3]);
    }

    /// <summary>Chains and their rules as iptables keeps them, changed by the commands a plan runs.</summary>
    private sealed class Model
    {
        private readonly SortedDictionary<string, List<string>> _chains = new(StringComparer.Ordinal);

        public static Model From(string save)
        {
            var model = new Model();
            var table = "";
            foreach (var line in save.Split('\n').Select(l => l.Trim()))
            {
                if (line.StartsWith('*')) table = line[1..];
                else if (line.StartsWith(':')) model._chains[table + " " + line[1..].Split(' ')[0]] = new List<string>();
                else if (line.StartsWith("-A ", StringComparison.Ordinal))
                {
                    var tokens = IptablesDriver.Tokenize(line);
                    model._chains[table + " " + tokens[1]].Add(string.Join(' ', tokens.Skip(2)));
                }
            }
            return model;
        }

        public void Run(CommandSpec command)
        {
            var a = command.Arguments; // -w -t TABLE OP CHAIN ...
            var chain = a[2] + " " + a[4];
            switch (a[3])
            {
                case "-N": _chains.Add(chain, new List<string>()); break;
                case "-X": Assert.Empty(_chains[chain]); _chains.Remove(chain); break;
                case "-A": _chains[chain].Add(string.Join(' ', a.Skip(5))); break;
                case "-I": _chains[chain].Insert(int.Parse(a[5]) - 1, string.Join(' ', a.Skip(6))); break;
                case "-D":
                    var index = _chains[chain].IndexOf(string.Join(' ', a.Skip(5)));
                    Assert.True(index >= 0, $"no rule to delete: {command.Render()}");
                    _chains[chain].RemoveAt(index);
                    break;
                default: throw new InvalidOperationException(command.Render());
            }
        }

        public override string ToString() => string.Join("\n", _chains.Select(c => c.Key + ": " + string.Join(" | ", c.Value)));
    }
}
