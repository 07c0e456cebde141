#!/bin/sh
# Installe ess-site dans .ess-site/bin/ : le binaire publié pour cette machine, son empreinte
# SHA-256 vérifiée avant tout ; s'il n'y en a pas, `cargo install`. Les chaînes de publication
# (.gitlab-ci.yml, .github/workflows/site.yml) le lancent avant de construire le site ; sur un
# poste : `sh deploy/installer.sh`, puis `.ess-site/bin/ess-site serve`.
#
# Variables :
#   ESS_SITE_VERSION   la version d'ess-site à installer (obligatoire), par exemple {version}
#   ESS_SITE_RELEASES  l'adresse des versions publiées : l'archive est lue à
#                      ESS_SITE_RELEASES/vVERSION/ess-site-vVERSION-CIBLE.tar.gz, son empreinte à
#                      la même adresse suivie de .sha256. La DSI peut y mettre son propre miroir
#                      (les mêmes fichiers, dans un dossier vVERSION/). Vide : cargo install.
#   ESS_SITE_SHA256    l'empreinte attendue de l'archive, pour l'épingler ; sans elle, celle
#                      publiée à côté de l'archive.
#   ESS_SITE_GIT       sans binaire publié : le dépôt git d'ess-site, pour `cargo install --git`
#                      (sinon, crates.io).
#   ESS_SITE_HOME      le dossier d'installation (.ess-site par défaut).
set -eu

version="${ESS_SITE_VERSION:-}"
home="${ESS_SITE_HOME:-.ess-site}"
releases="${ESS_SITE_RELEASES:-}"
bin="$home/bin/ess-site"

say() { printf 'ess-site : %s\n' "$*" >&2; }

if [ -z "$version" ]; then
  say "ESS_SITE_VERSION n'est pas donnée : la version à installer, par exemple {version}"
  exit 2
fi

# Déjà là, à cette version (le cache de la chaîne de publication la garde) : rien à faire.
if [ -x "$bin" ] && [ "$("$bin" --version 2>/dev/null || true)" = "ess-site $version" ]; then
  say "version $version déjà installée ($bin)"
  exit 0
fi

case "$(uname -s)-$(uname -m)" in
  Linux-x86_64 | Linux-amd64) target=x86_64-unknown-linux-musl ;;
  Linux-aarch64 | Linux-arm64) target=aarch64-unknown-linux-musl ;;
  Darwin-x86_64) target=x86_64-apple-darwin ;;
  Darwin-arm64) target=aarch64-apple-darwin ;;
  *) target="" ;;
esac

# fetch ADDRESS FILE : télécharge, ou échoue (adresse absente, réseau coupé).
fetch() {
  if command -v curl >/dev/null 2>&1; then
    curl --fail --silent --show-error --location --retry 2 --output "$2" "$1"
  elif command -v wget >/dev/null 2>&1; then
    wget --quiet --tries=2 --output-document="$2" "$1"
  else
    say "ni curl ni wget sur cette machine : impossible de télécharger $1"
    return 1
  fi
}

sha256() {
  if command -v sha256sum >/dev/null 2>&1; then
    sha256sum "$1" | cut -d ' ' -f 1
  else
    shasum -a 256 "$1" | cut -d ' ' -f 1
  fi
}

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# Le binaire publié. Échoue (1) s'il n'y en a pas ; arrête tout (3) si l'archive n'a pas
# l'empreinte attendue : alors rien n'est installé, et cargo n'est pas tenté à sa place.
from_release() {
  name="ess-site-v$version-$target"
  address="${releases%/}/v$version/$name.tar.gz"
  if ! fetch "$address" "$work/$name.tar.gz"; then
    say "pas d'archive à $address"
    return 1
  fi
  if [ -n "${ESS_SITE_SHA256:-}" ]; then
    expected="$ESS_SITE_SHA256"
    origin="ESS_SITE_SHA256"
  else
    if ! fetch "$address.sha256" "$work/sum"; then
      say "pas d'empreinte à $address.sha256 : l'archive n'est pas installée sans elle"
      exit 3
    fi
    expected="$(cut -d ' ' -f 1 <"$work/sum")"
    origin="$address.sha256"
  fi
  got="$(sha256 "$work/$name.tar.gz")"
  if [ "$got" != "$expected" ]; then
    say "l'archive $address n'a pas l'empreinte SHA-256 attendue ($origin) : $got au lieu de $expected. Rien n'est installé."
    exit 3
  fi
  if ! tar -xzf "$work/$name.tar.gz" -C "$work" || [ ! -f "$work/$name/ess-site" ]; then
    say "l'archive $address ne contient pas $name/ess-site"
    exit 3
  fi
  mkdir -p "$home/bin"
  cp "$work/$name/ess-site" "$bin.nouveau"
  chmod 755 "$bin.nouveau"
  mv -f "$bin.nouveau" "$bin"
  say "version $version installée depuis $address (SHA-256 $got, vérifiée par $origin)"
  if [ -z "${ESS_SITE_SHA256:-}" ]; then
    say "pour épingler cette empreinte : ESS_SITE_SHA256 = $got"
  fi
}

if [ -n "$releases" ] && [ -n "$target" ] && from_release; then
  exit 0
fi

# Pas de binaire publié pour cette machine : la compilation, quelques minutes.
if ! command -v cargo >/dev/null 2>&1; then
  say "aucun binaire publié à installer (ESS_SITE_RELEASES : « $releases », machine : $(uname -s) $(uname -m)), et pas de cargo pour compiler ess-site : indiquez dans ESS_SITE_RELEASES l'adresse des versions publiées (ou du miroir de la DSI), ou installez Rust (https://rustup.rs)"
  exit 1
fi
say "compilation de la version $version avec cargo install (quelques minutes)"
if [ -n "${ESS_SITE_GIT:-}" ]; then
  cargo install --locked --root "$home" --git "$ESS_SITE_GIT" --tag "v$version" ess-site
else
  cargo install --locked --root "$home" ess-site --version "$version"
fi
