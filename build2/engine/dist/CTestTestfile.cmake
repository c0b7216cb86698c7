# CMake generated Testfile for 
# Source directory: /work/wt-query/engine/dist
# Build directory: /work/wt-query/build2/engine/dist
# 
# This file includes the relevant testing commands required for 
# testing this directory and lists subdirectories to be tested as well.
