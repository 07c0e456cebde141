#!/bin/sh
# Construit le site et le publie sur le serveur web de la commune, par rsync sur SSH.
#
#   DESTINATION=utilisateur@serveur:/var/www/ess/ sh deploy/publier.sh
#
# Chaque jour (pour qu'une fiche datée de mardi paraisse mardi), par cron sur une machine qui a
# le dépôt et ess-site :
#   0 6 * * *  cd /chemin/du/site && git pull --quiet && sh deploy/publier.sh
set -eu
DESTINATION="${DESTINATION:-utilisateur@serveur.{slug}.fr:/var/www/ess/}"
# ess-site : celui que deploy/installer.sh a installé dans .ess-site/, sinon celui de la machine.
ess=ess-site
if [ -x .ess-site/bin/ess-site ]; then ess=.ess-site/bin/ess-site; fi
"$ess" build --quiet --output public
# Les fichiers nouveaux ou changés d'abord, mis en place ensemble à la fin ; les anciens
# retirés ensuite : un visiteur ne voit jamais un fichier manquant.
rsync --recursive --links --times --compress --delay-updates --delete-after public/ "$DESTINATION"
