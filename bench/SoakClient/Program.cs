// The client of bench/soak.py: --connections verifying echo connections (or UDP clients) against one server for
// --duration seconds. Every echoed byte is compared with what was sent; a message is either echoed whole and equal,
// or counted lost or mismatched with its reason. Message sizes are random from --min-size to --max-size; each
// connection reconnects every --reconnect-every messages. It prints a JSON line of running totals every --progress
// seconds ({"progress": ...}) and the final figures last ({"final": ...}); soak.py decides what fails.
using System.Diagnostics;
using System.Text.Json;

SoakOptions options;
try
{
    options = SoakOptions.Parse(args);
}
catch (Exception error) when (error is ArgumentException or FormatException or OverflowException)
{
    Console.Error.WriteLine(error.Message);
    return 2;
}

var tally = new SoakTally();
var payload = new Payload(options.Seed, options.MaxSize);
var clock = Stopwatch.StartNew();
using var stop = new CancellationTokenSource(options.Duration);
Task run = options.Target.IsDatagram
    ? DatagramSoak.RunAsync(options, payload, tally, stop.Token)
    : StreamSoak.RunAsync(options, payload, tally, stop.Token);
string transport = options.Target.Scheme;
while (await Task.WhenAny(run, Task.Delay(options.Progress)) != run)
{
    Print("progress", tally.Figures(transport, clock.Elapsed.TotalSeconds));
}

// Each connection ends after its message in flight, which is bounded by the reply timeout; the await below
// cannot hang longer than that.
await run;
Print("final", tally.Figures(transport, clock.Elapsed.TotalSeconds));
return 0;

static void Print(string kind, Dictionary<string, object> figures) =>
    Console.WriteLine(JsonSerializer.Serialize(new Dictionary<string, object> { [kind] = figures }));
