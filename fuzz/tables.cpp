// Target tables: every table schema the commands read, through the commands themselves (the CLI's own parsing
// of ids, columns and values is part of the path). The first byte picks the slot: which file of which command
// the remaining bytes become; the command's other inputs are small valid tables written at start-up. The
// command runs in-process as `countyscope -q ...` would (outputs go to a scratch folder, replaced each run;
// apps/countyscope/main.cpp is linked with its main() renamed, for the registry and the helpers it defines).
#include <CLI/CLI.hpp>

#include <countyscope/formats/graph_file.hpp>
#include <countyscope/sources/osm_network.hpp>

#include "../apps/countyscope/command.hpp"
#include "support.hpp"

namespace fs = std::filesystem;

namespace {

struct Slot {
  const char* name;               // the fuzzed file's name (its suffix is what the command expects)
  std::vector<std::string> args;  // "{F}" = the fuzzed file, "{D}" = the scratch dir, "{O}" = output
};

// Partner files (valid, tiny) and the slots that use them.
const char* kAccessDemand =
    "id,pop,lon,lat,settlement\na,100,9.5,47.1,Seat\nb,50,9.51,47.1,Vil\nc,10,9.52,47.1,\n";
const char* kAccessFac =
    "id,service,capacity,name,lon,lat\nh,hospital,10,H,9.5,47.1\ns1,primary_school,,S1,9.51,47.1\n"
    "s2,primary_school,200,S2,9.52,47.1\n";
const char* kAccessSett = "name,tier,unit,lon,lat\nSeat,seat,U1,9.5,47.1\nVil,village,U2,9.51,47.1\n";
const char* kAccessMatrix = "id,h,s1,s2\na,60,120,2400\nb,900,600,1500\nc,1200,,2000\n";
const char* kLocDemand = "id,population,lon,lat\nv0,100,9.5,47.1\nv1,50,9.51,47.1\nv2,70,9.52,47.1\n";
const char* kLocCand =
    "id,existing,capacity,cost,service,lon,lat\nc0,1,200,5,clinic,9.5,47.1\nc1,0,200,2,clinic,9.51,47.1\n"
    "c2,0,300,1,clinic,9.52,47.1\n";
const char* kLocMatrix =
    "demand_id,candidate_id,time_s\nv0,c0,60\nv0,c1,600\nv0,c2,900\nv1,c0,300\nv1,c1,60\n"
    "v1,c2,400\nv2,c0,900\nv2,c1,300\nv2,c2,30\n";
const char* kPoints = "id,lon,lat\np,9.500,47.100\nq,9.504,47.100\n";
const char* kOd = "origin,destination,flow\nA,B,10\nA,C,3\nB,A,7\nB,C,4\nC,A,2\nC,B,5\n";
const char* kPlaces = "code,population,lon,lat\nA,1000,9.50,47.10\nB,500,9.55,47.12\nC,200,9.52,47.20\n";
const char* kMiniToml =
    "name = \"mini\"\nkey = \"code\"\nname_column = \"name\"\nprovince_column = \"prov\"\n"
    "[[dimension]]\nid = \"a\"\n  [[dimension.indicator]]\n  id = \"x\"\n  column = \"x\"\n"
    "  direction = \"+\"\n  [[dimension.indicator]]\n  id = \"ratio\"\n  formula = \"y / z\"\n"
    "  direction = \"-\"\n[[dimension]]\nid = \"b\"\n  [[dimension.indicator]]\n  id = \"w\"\n"
    "  column = \"w\"\n  direction = \"+\"\n";

const std::vector<Slot>& slots() {
  static const std::vector<Slot> s = {
      {"demand.csv",
       {"access", "--matrix", "{D}/am.csv", "--demand", "{F}", "--facilities", "{D}/af.csv", "--settlements",
        "{D}/as.csv", "--out", "{O}"}},
      {"facilities.csv",
       {"access", "--matrix", "{D}/am.csv", "--demand", "{D}/ad.csv", "--facilities", "{F}", "--out", "{O}"}},
      {"matrix.csv",
       {"access", "--matrix", "{F}", "--demand", "{D}/ad.csv", "--facilities", "{D}/af.csv", "--out", "{O}"}},
      {"settlements.csv",
       {"access", "--matrix", "{D}/am.csv", "--demand", "{D}/ad.csv", "--facilities", "{D}/af.csv",
        "--settlements", "{F}", "--out", "{O}"}},
      {"demand.csv",
       {"locate", "--matrix", "{D}/lm.csv", "--demand", "{F}", "--candidates", "{D}/lc.csv", "--solver",
        "heuristic", "--p", "2", "--out", "{O}"}},
      {"candidates.csv",
       {"locate", "--matrix", "{D}/lm.csv", "--demand", "{D}/ld.csv", "--candidates", "{F}", "--solver",
        "heuristic", "--p", "2", "--capacitated", "--out", "{O}"}},
      {"matrix.csv",
       {"locate", "--matrix", "{F}", "--demand", "{D}/ld.csv", "--candidates", "{D}/lc.csv", "--solver",
        "heuristic", "--problem", "mclp", "--p", "1", "--standard", "10", "--out", "{O}"}},
      {"points.csv",
       {"matrix", "--graph", "{D}/g.csgraph", "--from", "{F}", "--to", "{D}/pts.csv", "--out", "{O}.csv"}},
      {"od.csv", {"flows", "--od", "{F}", "--cost-col", "km", "--model", "doubly", "--out", "{O}"}},
      {"places.csv",
       {"flows", "--places", "{F}", "--mass-col", "population", "--model", "production", "--out", "{O}"}},
      {"cost.csv",
       {"flows", "--od", "{D}/od.csv", "--places", "{D}/places.csv", "--cost-matrix", "{F}", "--model",
        "production", "--out", "{O}"}},
      {"counties.csv",
       {"assess", "--counties", "{F}", "--indicators", "{D}/mini.toml", "--permutations", "0", "--out",
        "{O}"}},
  };
  return s;
}

std::string expand(const std::string& a, const std::string& f) {
  std::string s = a;
  auto put = [&](const std::string& key, const std::string& v) {
    for (std::size_t p; (p = s.find(key)) != std::string::npos;) s.replace(p, key.size(), v);
  };
  put("{F}", f);
  put("{D}", cs::fuzz::scratch().string());
  put("{O}", (cs::fuzz::scratch() / "out").string());
  return s;
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  using cs::fuzz::write_scratch;
  write_scratch("ad.csv", kAccessDemand);
  write_scratch("af.csv", kAccessFac);
  write_scratch("as.csv", kAccessSett);
  write_scratch("am.csv", kAccessMatrix);
  write_scratch("ld.csv", kLocDemand);
  write_scratch("lc.csv", kLocCand);
  write_scratch("lm.csv", kLocMatrix);
  write_scratch("pts.csv", kPoints);
  write_scratch("mini.toml", kMiniToml);
  write_scratch("od.csv", kOd);
  write_scratch("places.csv", kPlaces);
  cs::Context ctx;
  const auto b = cs::build_network((cs::fuzz::source_dir() / "data/fixtures/osm/tags.osm").string(),
                                   cs::default_network_config(cs::network::Profile::kCar), ctx);
  cs::save_graph(b.graph, cs::fuzz::scratch() / "g.csgraph");
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  cs::fuzz::Bytes in(data, size);
  const Slot& slot = slots()[in.byte() % slots().size()];
  const std::string file = cs::fuzz::write_scratch(std::string("fuzz-") + slot.name, in.rest());
  std::error_code ec;
  fs::remove_all(cs::fuzz::scratch() / "out", ec);
  fs::remove(cs::fuzz::scratch() / "out.csv", ec);

  std::vector<std::string> args{"countyscope", "-q", "--threads", "1"};
  for (const auto& a : slot.args) args.push_back(expand(a, file));
  std::vector<const char*> argv;
  for (const auto& a : args) argv.push_back(a.c_str());

  CLI::App app{"countyscope"};
  app.require_subcommand(1);
  app.fallthrough();
  cs::cli::Runtime rt;
  app.add_option("--threads", rt.threads);
  app.add_flag("-q,--quiet", rt.quiet);
  for (auto& c : cs::cli::registry()) c.setup(app, rt);
  for (CLI::App* sub : app.get_subcommands({}))
    if (!sub->get_option_no_throw("--force")) sub->add_flag("--force", rt.ctx.run.force);
  app.parse_complete_callback([&] {
    rt.ctx.threads = rt.threads;
    rt.ctx.seed = rt.seed;
  });
  try {
    app.parse(static_cast<int>(argv.size()), argv.data());
  } catch (const CLI::ParseError&) {
    // An option check of the CLI (e.g. an existing file): the command never ran.
  } catch (const cs::Error&) {
  }
  return 0;
}
