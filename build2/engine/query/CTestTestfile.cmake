# CMake generated Testfile for 
# Source directory: /work/wt-query/engine/query
# Build directory: /work/wt-query/build2/engine/query
# 
# This file includes the relevant testing commands required for 
# testing this directory and lists subdirectories to be tested as well.
